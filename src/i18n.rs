//! Typed translations. Every visible string is a [`Text`] variant and each
//! language is an exhaustive `match`, so a missing translation fails to compile
//! (a key-string lookup crate would only find it at run time).

use yew::prelude::*;

mod en;
mod km;

/// A language the interface is offered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Km,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Km, Lang::En];

    /// BCP 47 code, for `<html lang>` and storage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Km => "km",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// The language's own name, shown in the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Km => "ខ្មែរ",
        }
    }
}

impl From<Lang> for sala_protocol::Language {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::En => Self::En,
            Lang::Km => Self::Km,
        }
    }
}

/// Translator handed to components by [`use_tr`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn t(self, text: Text) -> &'static str {
        match self.0 {
            Lang::En => text.en(),
            Lang::Km => text.km(),
        }
    }
}

/// The current translator, from the language context set up in `App`.
#[hook]
pub fn use_tr() -> Tr {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    Tr(lang)
}

impl Text {
    /// A role's name.
    pub fn role(role: sala_protocol::Role) -> Text {
        use sala_protocol::Role;
        match role {
            Role::Host => Text::HostRole,
            Role::CoHost => Text::CoHostRole,
            Role::Participant => Text::ParticipantRole,
            Role::Witness => Text::WitnessRole,
            Role::Interpreter => Text::InterpreterRole,
            Role::Observer => Text::ObserverRole,
        }
    }

    /// The tag a role shows beside a name; none for a plain participant.
    pub fn role_tag(role: sala_protocol::Role) -> Option<Text> {
        (role != sala_protocol::Role::Participant).then(|| Text::role(role))
    }
}

/// Every string the interface shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    Tagline,
    StartMeeting,
    MeetingTitle,
    MeetingTitlePlaceholder,
    CreateMeeting,
    Creating,
    HostLink,
    HostLinkHint,
    GuestLink,
    GuestLinkHint,
    Copy,
    Copied,
    OpenAsHost,
    TitleRequired,
    TextTooLong,
    ServerUnreachable,
    Loading,
    JoinMeeting,
    YourName,
    NameRequired,
    Join,
    Joining,
    RoomNotLoaded,
    Camera,
    StartingCamera,
    Microphone,
    JoinWithCameraOff,
    JoinWithMicOff,
    JoinWithBothOff,
    JoinToWatch,
    MoveToGallery,
    LetTakePart,
    GalleryTitle,
    GalleryHint,
    Devices,
    NoOtherDevice,
    MicLevel,
    PermissionDenied,
    NoDevice,
    DeviceBusy,
    InsecureContext,
    MediaUnsupported,
    TryAgain,
    MeetingNotFound,
    Mute,
    Unmute,
    StopCamera,
    StartCamera,
    ShareScreen,
    StopSharing,
    ScreenShareRefused,
    Leave,
    Participants,
    You,
    HostRole,
    Muted,
    CameraOff,
    Speaking,
    ScreenOf,
    Connecting,
    Reconnecting,
    PeerConnecting,
    PeerConnectionLost,
    WaitingForOthers,
    PresentSlides,
    StopPresenting,
    PreviousSlide,
    NextSlide,
    SlidesFrom,
    PreparingSlides,
    SlideLoading,
    ScreenAsStills,
    FileTooLarge,
    FileUnreadable,
    ServerBusy,
    MayNotPresent,
    FileTooComplex,
    FileTookTooLong,
    YouLeft,
    Rejoin,
    BackHome,
    MeetingFull,
    SessionReplaced,
    ReloadForNewVersion,
    HostKeyRejected,
    RoomIsLocked,
    LockMeeting,
    UnlockMeeting,
    MeetingLockedNote,
    EndForAll,
    ConfirmEndForAll,
    Cancel,
    RemoveParticipant,
    Invitations,
    CoHostRole,
    ParticipantRole,
    WitnessRole,
    InterpreterRole,
    ObserverRole,
    InviteRoleLabel,
    ValidFor,
    OneHour,
    OneDay,
    OneWeek,
    SingleUse,
    CreateInviteLink,
    InviteLinkMade,
    InviteLinkHint,
    Withdraw,
    InviteStatusUsed,
    InviteStatusWithdrawn,
    InviteStatusOpen,
    InvitesUnavailable,
    NoInvitesYet,
    InviteExpired,
    InviteNotYetValid,
    InviteRevoked,
    InviteAlreadyUsed,
    MeetingEnded,
    InviteWrongMeeting,
    InviteTampered,
    RemovedByHost,
    Language,
    WeakConnectionLowVideo,
    WeakConnectionAudioSlides,
    WeakConnectionAudioOnly,
    DataSaverOn,
    TierLowVideo,
    TierAudioSlides,
    TierAudioOnly,
    DataUse,
    SaverAuto,
    SaverReceiveAudioOnly,
    SaverAudioOnly,
    SaverFixedSite,
    DataUsedLastHour,
    DeniedByHost,
    WaitingTitle,
    WaitingHint,
    WitnessWaitingHint,
    ExcusedTitle,
    ExcusedHint,
    StillWaitingReconnecting,
    Lobby,
    Admit,
    CallIn,
    Deny,
    AdmitAll,
    AdmitAllHint,
    Excuse,
    Excused,
    LinkGood,
    LinkFair,
    LinkPoor,
    LinkUnknown,
    TurnLobbyOn,
    TurnLobbyOff,
    LobbyOnNote,
    MeetingKind,
    KindMeeting,
    KindHearing,
    HearingTag,
    MuteThem,
    LetSpeak,
    StopTheirCamera,
    AllowCamera,
    MuteAll,
    RaiseHand,
    LowerHand,
    HandRaised,
    MutedByHost,
    CameraStoppedByHost,
    HeldTag,
    Chat,
    ChatPlaceholder,
    Send,
    NoMessagesYet,
    ChatGalleryNote,
    ChatRecordedNote,
    OathTitle,
    OathHint,
    OathFormOath,
    OathFormAffirmation,
    ISwear,
    IAffirm,
    AskOath,
    TakingOath,
    Sworn,
    Affirmed,
    RecordTitle,
    RecordHint,
    DownloadRecordText,
    DownloadRecordJson,
    RecordUnavailable,
    ConsultPrivately,
    ConsultInviteFrom,
    JoinConsultation,
    DeclineConsultation,
    ConsultDeclinedBy,
    Dismiss,
    InConsultationTitle,
    InConsultationHint,
    InConsultationAlone,
    BackToRoom,
    OutInConsultation,
    CallBack,
    MakeCoHost,
    RemoveCoHost,
}
