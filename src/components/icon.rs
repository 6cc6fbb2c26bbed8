use yew::prelude::*;

/// The few glyphs the interface uses (24×24 outline paths).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyph {
    Mic,
    MicOff,
    Camera,
    CameraOff,
    Screen,
    Leave,
    People,
    Sliders,
    Slides,
    Link,
    Hand,
    Chat,
    Eye,
}

impl Glyph {
    fn path(self) -> &'static str {
        match self {
            Glyph::Mic => "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8",
            Glyph::MicOff => "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8M3 3l18 18",
            Glyph::Camera => "M3 7h12v10H3zM15 10l6-3v10l-6-3",
            Glyph::CameraOff => "M3 7h12v10H3zM15 10l6-3v10l-6-3M2 3l19 18",
            Glyph::Screen => "M3 4h18v12H3zM8 20h8M12 16v4M12 13V7M9 10l3-3 3 3",
            Glyph::Leave => "M4 15c5-5 11-5 16 0l-2 3-3-2v-2.5c-2-.7-4-.7-6 0V16l-3 2z",
            Glyph::Slides => "M3 4h18v11H3zM12 15v3M8 21l4-3 4 3M7 8h6M7 11h9",
            Glyph::Sliders => "M4 6h9M17 6h3M15 4v4M4 12h3M11 12h9M9 10v4M4 18h11M19 18h1M17 16v4",
            Glyph::Link => "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
            Glyph::Chat => "M4 5h16v11H9l-5 4z",
            Glyph::Eye => "M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
            Glyph::Hand => "M8 13V5a1.5 1.5 0 0 1 3 0v6M11 11V4a1.5 1.5 0 0 1 3 0v7M14 11V5.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7 6 6 0 0 1-5-3l-2.5-4.5a1.5 1.5 0 0 1 2.6-1.5L8 15",
            Glyph::People => "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2 20c0-4 3-6 7-6s7 2 7 6M16 4.5a3.5 3.5 0 0 1 0 6.5M18 14c2.5.5 4 2.5 4 6",
        }
    }
}

/// A decorative icon; the button or label next to it carries the meaning.
/// A function, not a component: it has no state, and each component type
/// costs about a kilobyte of Yew's generic lifecycle code in the wasm.
pub fn icon(glyph: Glyph) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d={glyph.path()} />
        </svg>
    }
}
