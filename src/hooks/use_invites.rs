use crate::api;
use crate::download;
use crate::error::ApiFailure;
use crate::hooks::use_origin;
use sala_protocol::{CreateInvite, HostKey, InviteCreated, InviteId, InviteInfo, MeetingId};
use yew::prelude::*;

/// The host's invitations, as last fetched.
#[derive(Clone, Debug, PartialEq)]
pub enum Listing {
    Loading,
    Ready(Vec<InviteInfo>),
    Failed(ApiFailure),
}

/// A meeting's invitations and record, as the host's panel shows them.
pub struct Invites {
    listing: UseStateHandle<Listing>,
    made: UseStateHandle<Option<String>>,
    busy: UseStateHandle<bool>,
    record_failed: UseStateHandle<bool>,
    /// Makes an invitation; its link then is [`Invites::made`].
    pub create: Callback<CreateInvite>,
    /// Withdraws an invitation.
    pub withdraw: Callback<InviteId>,
    /// Offers the meeting's record as a file: JSON if true, else text.
    pub record: Callback<bool>,
}

impl Invites {
    pub fn listing(&self) -> &Listing {
        &self.listing
    }

    /// The link of the invitation made last.
    pub fn made(&self) -> Option<&String> {
        self.made.as_ref()
    }

    /// An invitation is being made.
    pub fn busy(&self) -> bool {
        *self.busy
    }

    /// The last record asked for could not be fetched or saved.
    pub fn record_failed(&self) -> bool {
        *self.record_failed
    }
}

/// The link an invitation travels in: the meeting's address, the token in the
/// fragment (never sent to a server, nor in `Referer`).
fn invite_url(origin: &str, meeting: &MeetingId, made: &InviteCreated) -> String {
    format!("{origin}/m/{meeting}#invite={}", made.token.as_str())
}

/// The host's invitations of `meeting` (fetched on mount and after each
/// change), making and withdrawing them, and the meeting's record.
#[hook]
pub fn use_invites(meeting: MeetingId, host_key: HostKey) -> Invites {
    let origin = use_origin();
    let listing = use_state_eq(|| Listing::Loading);
    let made = use_state_eq(|| None::<String>);
    let busy = use_state_eq(|| false);
    let record_failed = use_state_eq(|| false);
    // The record is fetched with the host key, then offered as a file.
    let record = {
        let (failed, meeting, key) = (record_failed.clone(), meeting.clone(), host_key.clone());
        Callback::from(move |json: bool| {
            let (failed, meeting, key) = (failed.clone(), meeting.clone(), key.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (ext, mime) = if json {
                    ("json", "application/json")
                } else {
                    ("txt", "text/plain;charset=utf-8")
                };
                let saved = match api::record(&meeting, &key, json).await {
                    Ok(text) => {
                        download::save_text(&format!("record-{meeting}.{ext}"), mime, &text).is_ok()
                    }
                    Err(_) => false,
                };
                failed.set(!saved);
            });
        })
    };
    let reload = {
        let (listing, meeting, key) = (listing.clone(), meeting.clone(), host_key.clone());
        Callback::from(move |()| {
            let (listing, meeting, key) = (listing.clone(), meeting.clone(), key.clone());
            wasm_bindgen_futures::spawn_local(async move {
                listing.set(match api::invites(&meeting, &key).await {
                    Ok(list) => Listing::Ready(list),
                    Err(err) => Listing::Failed(err),
                });
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(meeting.clone(), move |_| reload.emit(()));
    }
    let create = {
        let (meeting, key, reload) = (meeting.clone(), host_key.clone(), reload.clone());
        let (made, busy, listing) = (made.clone(), busy.clone(), listing.clone());
        Callback::from(move |request: CreateInvite| {
            let (meeting, key, reload) = (meeting.clone(), key.clone(), reload.clone());
            let (made, busy, listing) = (made.clone(), busy.clone(), listing.clone());
            let origin = origin.clone();
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::create_invite(&meeting, &key, &request).await {
                    Ok(created) => {
                        made.set(Some(invite_url(&origin, &meeting, &created)));
                        reload.emit(());
                    }
                    Err(err) => listing.set(Listing::Failed(err)),
                }
                busy.set(false);
            });
        })
    };
    let withdraw = {
        let (listing, reload) = (listing.clone(), reload);
        Callback::from(move |id: InviteId| {
            let (meeting, key, reload, listing) = (
                meeting.clone(),
                host_key.clone(),
                reload.clone(),
                listing.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::revoke_invite(&meeting, &key, &id).await {
                    Ok(()) => reload.emit(()),
                    Err(err) => listing.set(Listing::Failed(err)),
                }
            });
        })
    };
    Invites {
        listing,
        made,
        busy,
        record_failed,
        create,
        withdraw,
        record,
    }
}
