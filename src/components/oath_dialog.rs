use crate::call::Command;
use crate::i18n::{use_tr, Lang, Text};
use sala_protocol::{ClientMsg, OathForm};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct OathDialogProps {
    pub on_command: Callback<Command>,
}

/// Asked by the court: the oath or the affirmation, its words in the
/// language the interface shows now (the top bar switches it), and the
/// button that acknowledges them. The server records those very words.
#[function_component]
pub fn OathDialog(props: &OathDialogProps) -> Html {
    let tr = use_tr();
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let form = use_state_eq(|| OathForm::Oath);
    let choice = |f: OathForm| {
        let pick = {
            let form = form.clone();
            Callback::from(move |_| form.set(f))
        };
        let label = match f {
            OathForm::Oath => Text::OathFormOath,
            OathForm::Affirmation => Text::OathFormAffirmation,
        };
        html! {
            <label class="choice oath-choice">
                <input type="radio" name="oath-form" checked={*form == f} onchange={pick}
                    data-testid={format!("oath-form-{}", match f { OathForm::Oath => "oath", OathForm::Affirmation => "affirmation" })} />
                <span>
                    <strong>{ tr.t(label) }</strong>
                    <q class="oath-text" lang={lang.code()}>{ f.text(lang.into()) }</q>
                </span>
            </label>
        }
    };
    let chosen = *form;
    let take = props.on_command.reform(move |_| {
        Command::Send(ClientMsg::TakeOath {
            form: chosen,
            lang: lang.into(),
        })
    });
    html! {
        <div class="dialog-backdrop">
            <section class="dialog" role="dialog" aria-modal="true" aria-labelledby="oath-title" data-testid="oath-dialog">
                <h2 id="oath-title">{ tr.t(Text::OathTitle) }</h2>
                <p>{ tr.t(Text::OathHint) }</p>
                { for OathForm::ALL.into_iter().map(choice) }
                <button type="button" class="primary" onclick={take} data-testid="oath-take">
                    { tr.t(match chosen { OathForm::Oath => Text::ISwear, OathForm::Affirmation => Text::IAffirm }) }
                </button>
            </section>
        </div>
    }
}
