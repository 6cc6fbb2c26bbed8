use crate::call::Command;
use crate::hooks::use_scroll_to_end;
use crate::i18n::{use_tr, Text};
use sala_protocol::{ChatMessage, ChatText, ClientMsg, PeerId, TextError};
use std::rc::Rc;
use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct ChatPanelProps {
    pub messages: Rc<Vec<ChatMessage>>,
    pub me: PeerId,
    /// The public gallery reads but does not write.
    #[prop_or_default]
    pub read_only: bool,
    pub on_command: Callback<Command>,
}

/// The room's chat: every message so far, oldest first, and a box to write
/// one (Enter sends, Shift+Enter starts a new line). Text is shown as text,
/// never as markup.
#[function_component]
pub fn ChatPanel(props: &ChatPanelProps) -> Html {
    let tr = use_tr();
    let draft = use_state(String::new);
    let error = use_state_eq(|| None::<Text>);
    // Keep the newest message in view.
    let list = use_scroll_to_end(props.messages.len());
    let send = {
        let (draft, error, cmd) = (draft.clone(), error.clone(), props.on_command.clone());
        move || match ChatText::parse(&draft) {
            Ok(text) => {
                cmd.emit(Command::Send(ClientMsg::Chat { text }));
                draft.set(String::new());
                error.set(None);
            }
            Err(TextError::TooLong { .. }) => error.set(Some(Text::TextTooLong)),
            Err(TextError::Empty | TextError::Control) => {}
        }
    };
    let oninput = {
        let (draft, error) = (draft.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value());
            error.set(None);
        })
    };
    let onkeydown = {
        let send = send.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                e.prevent_default();
                send();
            }
        })
    };
    let onsubmit = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        send();
    });
    let message = |m: &ChatMessage| {
        html! {
            <li class={classes!((m.from == props.me).then_some("mine"))} data-testid="chat-message">
                <span class="chat-name">{ m.name.as_str() }</span>
                <span class="chat-text">{ m.text.as_str() }</span>
            </li>
        }
    };
    html! {
        <aside class="side-panel chat" data-testid="chat-panel" aria-label={tr.t(Text::Chat)}>
            <h2>{ tr.t(Text::Chat) }</h2>
            <p class="hint">{ tr.t(Text::ChatRecordedNote) }</p>
            <ul class="chat-list" ref={list} aria-live="polite">
                { for props.messages.iter().map(message) }
            </ul>
            if props.messages.is_empty() {
                <p class="hint">{ tr.t(Text::NoMessagesYet) }</p>
            }
            if props.read_only {
                <p class="hint" data-testid="chat-read-only">{ tr.t(Text::ChatGalleryNote) }</p>
            } else {
                <form class="chat-form" {onsubmit}>
                    <textarea rows="2" maxlength="2000" value={(*draft).clone()} {oninput} {onkeydown}
                        placeholder={tr.t(Text::ChatPlaceholder)} aria-label={tr.t(Text::ChatPlaceholder)}
                        data-testid="chat-input" />
                    if let Some(err) = *error {
                        <p class="field-error" role="alert">{ tr.t(err) }</p>
                    }
                    <button type="submit" class="primary small" data-testid="chat-send">{ tr.t(Text::Send) }</button>
                </form>
            }
        </aside>
    }
}
