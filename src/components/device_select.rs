use crate::i18n::{Text, Tr};
use crate::state::Device;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Picks a camera or microphone. With `always`, the picker shows even when
/// there is nothing to choose (disabled, with a note), so a settings panel
/// always says which device is in use. A function, not a component: no
/// state of its own (see `icon`).
pub fn device_select(
    tr: Tr,
    label: &'static str,
    devices: &[Device],
    selected: Option<&str>,
    on_select: &Callback<String>,
    testid: &'static str,
    always: bool,
) -> Html {
    let single = devices.len() < 2;
    if single && !always {
        return html! {};
    }
    let onchange =
        on_select.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <label class="field">
            <span>{ label }</span>
            <select {onchange} disabled={single} data-testid={testid}>
                { for devices.iter().map(|d| html! {
                    <option value={d.id.clone()} selected={selected == Some(d.id.as_str())}>{ &d.label }</option>
                }) }
            </select>
            if single {
                <small class="hint">{ tr.t(Text::NoOtherDevice) }</small>
            }
        </label>
    }
}
