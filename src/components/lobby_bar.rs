use crate::call::Command;
use crate::i18n::{Text, Tr};
use sala_protocol::{policy, ClientMsg, Knock, LinkQuality, Role};
use yew::prelude::*;

/// For the host and co-hosts, above the room: who waits in the lobby, with
/// their role and how well their connection carries, and the buttons to let
/// them in (call a witness) or turn them away. Shown only while someone
/// waits, so that nobody is left knocking unseen. `lobby`: who waits, in
/// order of arrival. A function, not a component: no state of its own (see `icon`).
pub fn lobby_bar(tr: Tr, lobby: &[Knock], cmd: &Callback<Command>) -> Html {
    if lobby.is_empty() {
        return html! {};
    }
    let row = |k: &Knock| {
        let peer = k.peer;
        let witness = k.role == Role::Witness;
        let link = match k.link {
            LinkQuality::Good => Text::LinkGood,
            LinkQuality::Fair => Text::LinkFair,
            LinkQuality::Poor => Text::LinkPoor,
            LinkQuality::Unknown => Text::LinkUnknown,
        };
        let link_class = match k.link {
            LinkQuality::Good => "good",
            LinkQuality::Fair => "fair",
            LinkQuality::Poor => "poor",
            LinkQuality::Unknown => "unknown",
        };
        html! {
            <li data-testid="knock" data-name={k.name.to_string()} data-role={k.role.as_str()}>
                <span class="participant-name">{ k.name.as_str() }</span>
                if let Some(role) = Text::role_tag(k.role) {
                    <span class="tag role">{ tr.t(role) }</span>
                }
                if k.excused {
                    <span class="tag">{ tr.t(Text::Excused) }</span>
                }
                <span class={classes!("link-quality", link_class)} data-testid="knock-link" data-link={link_class}>
                    { tr.t(link) }
                </span>
                <span class="knock-actions">
                    <button type="button" class="primary small" data-testid="admit"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::Admit { peer }))}>
                        { tr.t(if witness { Text::CallIn } else { Text::Admit }) }
                    </button>
                    <button type="button" class="secondary small" data-testid="deny"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::Deny { peer }))}>{ tr.t(Text::Deny) }</button>
                </span>
            </li>
        }
    };
    let admissible = lobby
        .iter()
        .filter(|k| policy::admitted_with_all(k.role))
        .count();
    html! {
        <section class="lobby-bar" role="region" aria-label={tr.t(Text::Lobby)} data-testid="lobby-bar">
            <h2>{ format!("{} ({})", tr.t(Text::Lobby), lobby.len()) }</h2>
            <ul>{ for lobby.iter().map(row) }</ul>
            if admissible > 1 {
                <div class="lobby-all">
                    <button type="button" class="secondary small" data-testid="admit-all"
                        onclick={cmd.reform(|_| Command::Send(ClientMsg::AdmitAll))}>{ format!("{} ({admissible})", tr.t(Text::AdmitAll)) }</button>
                    if admissible < lobby.len() {
                        <span class="hint">{ tr.t(Text::AdmitAllHint) }</span>
                    }
                </div>
            }
        </section>
    }
}
