use crate::i18n::{use_tr, Text};
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
    /// Show the picker even when there is nothing to choose (disabled, with a
    /// note), so a settings panel always says which device is in use.
    #[prop_or_default]
    pub always: bool,
}

/// Picks a camera or microphone.
#[function_component]
pub fn DeviceSelect(props: &DeviceSelectProps) -> Html {
    let tr = use_tr();
    let single = props.devices.len() < 2;
    if single && !props.always {
        return html! {};
    }
    let onchange = props
        .on_select
        .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <label class="field">
            <span>{ props.label }</span>
            <select {onchange} disabled={single} data-testid={props.testid}>
                { for props.devices.iter().map(|d| html! {
                    <option value={d.id.clone()} selected={props.selected.as_deref() == Some(d.id.as_str())}>{ &d.label }</option>
                }) }
            </select>
            if single {
                <small class="hint">{ tr.t(Text::NoOtherDevice) }</small>
            }
        </label>
    }
}
