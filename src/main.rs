// Talc instead of the default dlmalloc: a few KB less wasm, and faster.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    // The app's own element in index.html: Yew empties the element it renders
    // into, and <body> also holds the loading screen and the stylesheets.
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<sala::App>::with_root(root).render(),
        None => yew::Renderer::<sala::App>::new().render(),
    };
}
