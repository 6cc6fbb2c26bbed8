//! Component tests in headless Chromium (`cargo test --target wasm32-unknown-unknown --tests`).
#![cfg(target_arch = "wasm32")]

mod support;

use sala::call::Command;
use sala::components::call_ended::{CallEnded, CallEndedProps};
use sala::components::controls::{Controls, ControlsProps};
use sala::components::device_settings::{DeviceSettings, DeviceSettingsProps};
use sala::components::join_form::{JoinForm, JoinFormProps};
use sala::components::room::Panel;
use sala::components::tile::{Tile, TileProps};
use sala::error::{CallEnd, JoinFailure, MediaError};
use sala::state::{DataSaver, Device, Devices, Link, Local, MediaStatus, Quality};
use sala::App;
use sala_protocol::{ClientMsg, DisplayName, Hold, MediaState, MeetingTitle, QualityTier, Role};
use support::{mount, recorder};
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn join_props(on_command: Callback<Command>, media: MediaStatus) -> JoinFormProps {
    JoinFormProps {
        title: MeetingTitle::parse("Provincial briefing").unwrap(),
        media,
        local: Local {
            mic: true,
            camera: false,
            ..Local::default()
        },
        devices: Devices::default(),
        joining: false,
        failure: None,
        on_command,
    }
}

/// A controls bar with mic and camera on, nothing shared, held or raised.
fn controls_props(on_command: Callback<Command>, on_panel: Callback<Panel>) -> ControlsProps {
    ControlsProps {
        mic: true,
        camera: true,
        sharing: false,
        uploading: false,
        participants: 2,
        panel: None,
        hosting: false,
        messages: 0,
        held: Hold::default(),
        hand_up: false,
        consulting: false,
        watching: false,
        on_command,
        on_panel,
    }
}

#[wasm_bindgen_test]
async fn join_form_refuses_an_empty_name_and_sends_a_trimmed_one() {
    gloo_storage_clear();
    let (on_command, seen) = recorder();
    let m = mount::<JoinForm>(join_props(on_command, MediaStatus::Ready)).await;
    assert_eq!(m.text("[data-testid=meeting-title]"), "Provincial briefing");

    m.type_into("[data-testid=name-input]", "   ").await;
    m.click("[data-testid=join-button]").await;
    assert_eq!(m.text(".field-error"), "Please enter your name.");
    assert!(seen.borrow().is_empty(), "no join without a name");

    m.type_into("[data-testid=name-input]", "  Sokha Chan ")
        .await;
    assert_eq!(m.count(".field-error"), 0, "typing clears the error");
    assert_eq!(
        m.text("[data-testid=join-button]"),
        "Join with camera off",
        "the camera is off in these props"
    );
    m.click("[data-testid=join-button]").await;
    assert_eq!(
        *seen.borrow(),
        vec![Command::Join(DisplayName::parse("Sokha Chan").unwrap())]
    );
}

#[wasm_bindgen_test]
async fn join_form_offers_again_the_name_it_joined_with() {
    use wasm_bindgen::JsCast;
    gloo_storage_clear();
    let (on_command, _) = recorder();
    let m = mount::<JoinForm>(join_props(on_command, MediaStatus::Ready)).await;
    m.type_into("[data-testid=name-input]", "  Sokha Chan ")
        .await;
    m.click("[data-testid=join-button]").await;
    drop(m);
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("sala.name")
        .unwrap();
    assert_eq!(stored.as_deref(), Some("\"Sokha Chan\""), "kept trimmed");
    let (on_command, _) = recorder();
    let m = mount::<JoinForm>(join_props(on_command, MediaStatus::Ready)).await;
    let input: web_sys::HtmlInputElement = m.get("[data-testid=name-input]").dyn_into().unwrap();
    assert_eq!(input.value(), "Sokha Chan");
    drop(m);
    gloo_storage_clear();
}

#[wasm_bindgen_test]
async fn join_button_says_what_will_be_sent() {
    let (on_command, _) = recorder();
    let cases = [
        (true, true, "Join now"),
        (true, false, "Join with camera off"),
        (false, true, "Join with microphone off"),
        (false, false, "Join with camera and microphone off"),
    ];
    for (mic, camera, label) in cases {
        let mut props = join_props(on_command.clone(), MediaStatus::Ready);
        props.local = Local {
            mic,
            camera,
            ..Local::default()
        };
        let m = mount::<JoinForm>(props).await;
        assert_eq!(
            m.text("[data-testid=join-button]"),
            label,
            "mic {mic}, camera {camera}"
        );
    }
}

#[wasm_bindgen_test]
async fn join_form_says_when_the_room_did_not_load_and_joins_again() {
    gloo_storage_clear();
    let (on_command, seen) = recorder();
    let mut props = join_props(on_command, MediaStatus::Ready);
    props.failure = Some(JoinFailure::NotLoaded);
    let m = mount::<JoinForm>(props).await;
    assert_eq!(
        m.text("[data-testid=join-error]"),
        "The meeting room did not finish loading. Check your connection and press Join again."
    );
    m.type_into("[data-testid=name-input]", "Sophea").await;
    m.click("[data-testid=join-button]").await;
    assert_eq!(
        *seen.borrow(),
        vec![Command::Join(DisplayName::parse("Sophea").unwrap())]
    );
}

fn device(id: &str, label: &str) -> Device {
    Device {
        id: id.into(),
        label: label.into(),
    }
}

#[wasm_bindgen_test]
async fn device_settings_switch_mic_and_show_a_single_camera_disabled() {
    let (on_command, seen) = recorder();
    let m = mount::<DeviceSettings>(DeviceSettingsProps {
        devices: Devices {
            cameras: vec![device("cam1", "Front camera")],
            mics: vec![device("m1", "Headset"), device("m2", "Desk mic")],
        },
        local: Local {
            mic: true,
            camera: true,
            mic_id: Some("m1".into()),
            camera_id: Some("cam1".into()),
            ..Local::default()
        },
        quality: Quality {
            bytes_last_hour: 12_345_678,
            ..Quality::default()
        },
        on_command,
    })
    .await;
    let camera = m.get("[data-testid=camera-select]");
    assert!(
        camera.has_attribute("disabled"),
        "one camera: nothing to choose"
    );
    assert!(m
        .text("[data-testid=device-settings]")
        .contains("Only one found"));
    m.select("[data-testid=mic-select]", "m2").await;
    m.select("[data-testid=data-saver]", "receive-audio-only")
        .await;
    assert_eq!(
        *seen.borrow(),
        vec![
            Command::SelectMic("m2".into()),
            Command::SetDataSaver(DataSaver::ReceiveAudioOnly)
        ]
    );
    assert_eq!(
        m.text("[data-testid=data-used]"),
        "Data used in the last hour: 12.3 MB"
    );
}

#[wasm_bindgen_test]
async fn join_form_says_when_a_device_switch_failed() {
    let (on_command, _) = recorder();
    let mut props = join_props(on_command, MediaStatus::Ready);
    props.local.device_error = Some(MediaError::DeviceBusy);
    let m = mount::<JoinForm>(props).await;
    assert_eq!(m.count("[data-testid=device-error]"), 1);
}

#[wasm_bindgen_test]
async fn join_form_explains_a_refused_camera_and_offers_retry() {
    let (on_command, seen) = recorder();
    let m = mount::<JoinForm>(join_props(
        on_command,
        MediaStatus::Failed(MediaError::PermissionDenied),
    ))
    .await;
    assert!(m
        .text("[data-testid=media-error]")
        .contains("not allowed to use your camera"));
    m.click("[data-testid=media-error] button").await;
    m.click("[data-testid=prejoin-camera]").await;
    assert_eq!(
        *seen.borrow(),
        vec![Command::RetryMedia, Command::SetCamera(true)]
    );
}

#[wasm_bindgen_test]
async fn controls_send_the_opposite_of_the_current_state() {
    let (on_command, seen) = recorder();
    let (on_panel, panels) = recorder();
    let m = mount::<Controls>(ControlsProps {
        camera: false,
        sharing: true,
        participants: 4,
        panel: Some(Panel::Devices),
        hosting: true,
        ..controls_props(on_command, on_panel)
    })
    .await;
    for id in [
        "mic-toggle",
        "camera-toggle",
        "share-toggle",
        "list-toggle",
        "devices-toggle",
        "invites-toggle",
        "leave",
    ] {
        m.click(&format!("[data-testid={id}]")).await;
    }
    assert_eq!(
        *seen.borrow(),
        vec![
            Command::SetMic(false),
            Command::SetCamera(true),
            Command::StopShare,
            Command::Leave
        ]
    );
    assert_eq!(
        *panels.borrow(),
        vec![Panel::Participants, Panel::Devices, Panel::Invites]
    );
    assert!(m.text("[data-testid=list-toggle]").contains("(4)"));
    assert_eq!(
        m.get("[data-testid=devices-toggle]")
            .get_attribute("aria-expanded")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        m.get("[data-testid=list-toggle]")
            .get_attribute("aria-expanded")
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        m.get("[data-testid=mic-toggle]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn tile_shows_initials_mute_and_host_without_video() {
    let m = mount::<Tile>(TileProps {
        name: DisplayName::parse("Dara Kim").unwrap(),
        role: Role::Host,
        media: MediaState {
            mic: false,
            camera: false,
            screen: None,
            tier: QualityTier::VideoHigh,
            receive: QualityTier::VideoHigh,
            stills_for: Vec::new(),
        },
        stream: None,
        link: Link::Retrying,
        is_me: false,
        hand: None,
    })
    .await;
    assert_eq!(m.text(".avatar"), "DK");
    assert_eq!(m.count("[data-testid=tile-muted]"), 1);
    assert_eq!(m.count("video"), 0);
    assert!(m.text("figcaption").contains("Host"));
    assert_eq!(m.text(".tile-note"), "Media connection lost, retrying…");
    assert_eq!(
        m.count("[data-testid=tier-badge]"),
        0,
        "full quality needs no badge"
    );
}

#[wasm_bindgen_test]
async fn tile_shows_a_participant_on_a_thin_link() {
    let m = mount::<Tile>(TileProps {
        name: DisplayName::parse("Witness").unwrap(),
        role: Role::Participant,
        media: MediaState {
            mic: true,
            camera: false,
            screen: None,
            tier: QualityTier::VideoHigh,
            receive: QualityTier::AudioSlides,
            stills_for: Vec::new(),
        },
        stream: None,
        link: Link::Connected,
        is_me: false,
        hand: None,
    })
    .await;
    assert_eq!(m.text("[data-testid=tier-badge]"), "Audio + slides");
}

#[wasm_bindgen_test]
async fn ended_call_offers_rejoin_only_where_it_can_work() {
    let (on_rejoin, rejoined) = recorder();
    let left = mount::<CallEnded>(CallEndedProps {
        end: CallEnd::Left,
        on_rejoin: on_rejoin.clone(),
    })
    .await;
    left.click("button.primary").await;
    assert_eq!(rejoined.borrow().len(), 1);
    let gone = mount::<CallEnded>(CallEndedProps {
        end: CallEnd::MeetingNotFound,
        on_rejoin,
    })
    .await;
    assert_eq!(gone.count("button"), 0);
    assert!(gone.text("h1").contains("does not exist"));
}

fn gloo_storage_clear() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}

#[wasm_bindgen_test]
async fn app_switches_language_and_remembers_it() {
    gloo_storage_clear();
    let m = mount::<App>(()).await;
    assert_eq!(m.text("h1"), "Start a meeting");
    m.click(".lang-switch button[lang=km]").await;
    assert_eq!(m.text("h1"), "ចាប់ផ្តើមកិច្ចប្រជុំ");
    let html = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap();
    assert_eq!(html.get_attribute("lang").as_deref(), Some("km"));
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("sala.lang")
        .unwrap();
    assert_eq!(stored.as_deref(), Some("\"km\""));
    drop(m);
    gloo_storage_clear();
}

#[wasm_bindgen_test]
async fn home_refuses_an_empty_title_without_calling_the_server() {
    gloo_storage_clear();
    let m = mount::<App>(()).await;
    m.click("[data-testid=create-button]").await;
    assert_eq!(
        m.text("[data-testid=create-error]"),
        "Please enter a title."
    );
    assert_eq!(
        m.get("[data-testid=title-input]")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn only_the_host_link_offers_invitations() {
    let (on_command, _) = recorder();
    let (on_panel, _) = recorder();
    let m = mount::<Controls>(controls_props(on_command, on_panel)).await;
    assert_eq!(m.count("[data-testid=invites-toggle]"), 0);
    assert_eq!(m.count("[data-testid=devices-toggle]"), 1);
}

#[wasm_bindgen_test]
async fn controls_lock_what_the_host_holds_and_show_a_raised_hand() {
    let (on_command, seen) = recorder();
    let (on_panel, _) = recorder();
    let m = mount::<Controls>(ControlsProps {
        mic: false,
        participants: 3,
        held: Hold {
            mic: true,
            camera: false,
        },
        hand_up: true,
        ..controls_props(on_command, on_panel)
    })
    .await;
    assert_eq!(m.count("[data-testid=mic-toggle][disabled]"), 1);
    assert_eq!(m.count("[data-testid=camera-toggle][disabled]"), 0);
    assert_eq!(m.count("[data-testid=hand-toggle][aria-pressed=true]"), 1);
    m.click("[data-testid=hand-toggle]").await;
    assert_eq!(
        *seen.borrow(),
        vec![Command::Send(ClientMsg::RaiseHand { up: false })]
    );
}

/// An invitation token as the server makes one, for `role` (the signature
/// is not checked by the client, so any will do here).
fn invite_link_for(role: &str) -> sala::pass::Pass {
    let claims = format!(
        r#"{{"m":"abcdefghijklmnopqrstuvwxyz","i":"abcdefghijklmnopqrstuvwxyz","r":"{role}","nb":0,"exp":1,"one":false}}"#
    );
    let b64 = web_sys::window().unwrap().btoa(&claims).unwrap();
    let b64url: String = b64
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    sala::pass::Pass::from_fragment(&format!("#invite=v1.{b64url}.c2ln")).unwrap()
}

#[wasm_bindgen_test]
fn an_observer_invitation_watches_only() {
    assert!(invite_link_for("observer").watch_only());
    assert_eq!(
        invite_link_for("witness").invited_role(),
        Some(Role::Witness)
    );
    assert!(!invite_link_for("witness").watch_only());
    assert!(!sala::pass::Pass::Guest.watch_only());
    // Claims that do not read: not the gallery (the server will say).
    let bad = sala::pass::Pass::from_fragment("#invite=v1.bm90IGpzb24.c2ln").unwrap();
    assert_eq!(bad.invited_role(), None);
}

#[wasm_bindgen_test]
async fn the_gallery_join_screen_opens_no_device_and_says_so() {
    let (on_command, seen) = recorder();
    let mut props = join_props(on_command, MediaStatus::WatchOnly);
    props.local.mic = false;
    let m = mount::<JoinForm>(props).await;
    assert_eq!(m.count("[data-testid=gallery-note]"), 1);
    assert_eq!(m.count("[data-testid=prejoin-mic]"), 0);
    assert_eq!(m.count("[data-testid=camera-select]"), 0);
    assert_eq!(
        m.text("[data-testid=join-button]"),
        "Join to watch and listen"
    );
    m.type_into("[data-testid=name-input]", "Visitor").await;
    m.click("[data-testid=join-button]").await;
    assert_eq!(
        *seen.borrow(),
        vec![Command::Join(DisplayName::parse("Visitor").unwrap())]
    );
}

#[wasm_bindgen_test]
async fn the_gallery_has_nothing_to_switch_on_or_share() {
    let (on_command, _) = recorder();
    let (on_panel, _) = recorder();
    let m = mount::<Controls>(ControlsProps {
        mic: false,
        camera: false,
        participants: 3,
        held: Hold {
            mic: true,
            camera: true,
        },
        watching: true,
        ..controls_props(on_command, on_panel)
    })
    .await;
    for control in [
        "mic-toggle",
        "camera-toggle",
        "share-toggle",
        "present-slides",
    ] {
        assert_eq!(m.count(&format!("[data-testid={control}]")), 0, "{control}");
    }
    for control in ["list-toggle", "chat-toggle", "leave"] {
        assert_eq!(m.count(&format!("[data-testid={control}]")), 1, "{control}");
    }
}
