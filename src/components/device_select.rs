use crate::state::Device;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct DeviceSelectProps {
    pub label: &'static str,
    pub devices: Vec<Device>,
    pub selected: Option<String>,
    pub on_select: Callback<String>,
    pub testid: &'static str,
}

/// Picks a camera or microphone; hidden when there is nothing to choose.
#[function_component]
pub fn DeviceSelect(props: &DeviceSelectProps) -> Html {
    if props.devices.len() < 2 {
        return html! {};
    }
    let onchange = props.on_select.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <label class="field">
            <span>{ props.label }</span>
            <select {onchange} data-testid={props.testid}>
                { for props.devices.iter().map(|d| html! {
                    <option value={d.id.clone()} selected={props.selected.as_deref() == Some(d.id.as_str())}>{ &d.label }</option>
                }) }
            </select>
        </label>
    }
}
