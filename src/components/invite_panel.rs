use crate::components::copy_link::CopyLink;
use crate::hooks::{use_invites, Listing};
use crate::i18n::{use_tr, Text};
use sala_protocol::{CreateInvite, HostKey, InviteInfo, MeetingId, Role};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// How long a new invitation lets people in.
const VALIDITY: [(u64, Text); 3] = [
    (3600, Text::OneHour),
    (24 * 3600, Text::OneDay),
    (7 * 24 * 3600, Text::OneWeek),
];

/// Roles the host hands out (the host link is the host's own).
const ROLES: [Role; 5] = [
    Role::Witness,
    Role::Participant,
    Role::Interpreter,
    Role::CoHost,
    Role::Observer,
];

fn role_from(value: &str) -> Role {
    ROLES
        .into_iter()
        .find(|r| r.as_str() == value)
        .unwrap_or(Role::Witness)
}

#[derive(PartialEq, Properties)]
pub struct InvitePanelProps {
    pub meeting: MeetingId,
    pub host_key: HostKey,
}

/// The host's side panel: make an invitation link for a role (how long it
/// works, for one person or several), see which were used, withdraw one;
/// download the meeting's record.
#[function_component]
pub fn InvitePanel(props: &InvitePanelProps) -> Html {
    let tr = use_tr();
    let invites = use_invites(props.meeting.clone(), props.host_key.clone());
    let role = use_state_eq(|| Role::Witness);
    let valid_for = use_state_eq(|| VALIDITY[1].0);
    let single_use = use_state_eq(|| true);
    let on_create = {
        let (role, valid_for, single_use) = (role.clone(), valid_for.clone(), single_use.clone());
        let create = invites.create.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            create.emit(CreateInvite {
                role: *role,
                valid_for_secs: *valid_for,
                single_use: *single_use,
            });
        })
    };
    let on_role = {
        let role = role.clone();
        Callback::from(move |e: Event| {
            role.set(role_from(
                &e.target_unchecked_into::<HtmlSelectElement>().value(),
            ))
        })
    };
    let on_valid = {
        let valid_for = valid_for.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            valid_for.set(value.parse().unwrap_or(VALIDITY[1].0));
        })
    };
    let on_single = {
        let single_use = single_use.clone();
        Callback::from(move |e: Event| {
            single_use.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let row = |i: &InviteInfo| {
        let status = if i.revoked {
            Text::InviteStatusWithdrawn
        } else if i.used {
            Text::InviteStatusUsed
        } else {
            Text::InviteStatusOpen
        };
        let id = i.id.clone();
        html! {
            <li data-testid="invite" data-role={i.role.as_str()} data-status={tr.t(status)}>
                <span class="invite-role">{ tr.t(Text::role(i.role)) }</span>
                if i.single_use { <span class="tag">{ tr.t(Text::SingleUse) }</span> }
                <span class="invite-status">{ tr.t(status) }</span>
                if !i.revoked {
                    <button type="button" class="secondary small" data-testid="invite-withdraw"
                        onclick={invites.withdraw.reform(move |_| id.clone())}>{ tr.t(Text::Withdraw) }</button>
                }
            </li>
        }
    };
    let list = match invites.listing() {
        Listing::Loading => html! { <p class="hint" aria-busy="true">{ tr.t(Text::Loading) }</p> },
        Listing::Failed(_) => {
            html! { <p class="error" role="alert" data-testid="invites-error">{ tr.t(Text::InvitesUnavailable) }</p> }
        }
        Listing::Ready(list) if list.is_empty() => {
            html! { <p class="hint">{ tr.t(Text::NoInvitesYet) }</p> }
        }
        Listing::Ready(list) => {
            html! { <ul class="invites">{ for list.iter().rev().map(row) }</ul> }
        }
    };
    html! {
        <aside class="side-panel invites" data-testid="invite-panel" aria-label={tr.t(Text::Invitations)}>
            <h2>{ tr.t(Text::Invitations) }</h2>
            <form class="invite-form" onsubmit={on_create}>
                <label>
                    <span>{ tr.t(Text::InviteRoleLabel) }</span>
                    <select data-testid="invite-role" onchange={on_role}>
                        { for ROLES.iter().map(|r| html! {
                            <option value={r.as_str()} selected={*r == *role}>{ tr.t(Text::role(*r)) }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ tr.t(Text::ValidFor) }</span>
                    <select data-testid="invite-valid" onchange={on_valid}>
                        { for VALIDITY.iter().map(|(secs, text)| html! {
                            <option value={secs.to_string()} selected={*secs == *valid_for}>{ tr.t(*text) }</option>
                        }) }
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" checked={*single_use} onchange={on_single} data-testid="invite-single" />
                    <span>{ tr.t(Text::SingleUse) }</span>
                </label>
                <button type="submit" class="primary" disabled={invites.busy()} data-testid="invite-create">
                    { tr.t(Text::CreateInviteLink) }
                </button>
            </form>
            if let Some(url) = invites.made() {
                <CopyLink label={Text::InviteLinkMade} hint={Text::InviteLinkHint} url={url.clone()} testid="invite-link" />
            }
            { list }
            <section class="record-export">
                <h3>{ tr.t(Text::RecordTitle) }</h3>
                <p class="hint">{ tr.t(Text::RecordHint) }</p>
                <div class="room-controls">
                    <button type="button" class="secondary small" data-testid="record-text"
                        onclick={invites.record.reform(|_| false)}>{ tr.t(Text::DownloadRecordText) }</button>
                    <button type="button" class="secondary small" data-testid="record-json"
                        onclick={invites.record.reform(|_| true)}>{ tr.t(Text::DownloadRecordJson) }</button>
                </div>
                if invites.record_failed() {
                    <p class="error" role="alert" data-testid="record-error">{ tr.t(Text::RecordUnavailable) }</p>
                }
            </section>
        </aside>
    }
}
