//! Typed translations. Every visible string is a [`Text`] variant and each
//! language is an exhaustive `match`, so a missing translation fails to compile
//! (a key-string lookup crate would only find it at run time).

use yew::prelude::*;

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
    Camera,
    StartingCamera,
    Microphone,
    JoinWithCameraOff,
    JoinWithMicOff,
    JoinWithBothOff,
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
    YouLeft,
    Rejoin,
    BackHome,
    MeetingFull,
    SessionReplaced,
    ReloadForNewVersion,
    HostKeyRejected,
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
}

impl Text {
    fn en(self) -> &'static str {
        use Text::*;
        match self {
            Tagline => "Meetings and hearings that stay heard on weak connections.",
            StartMeeting => "Start a meeting",
            MeetingTitle => "Meeting title",
            MeetingTitlePlaceholder => "e.g. Weekly cabinet meeting",
            CreateMeeting => "Create meeting",
            Creating => "Creating…",
            HostLink => "Host link",
            HostLinkHint => "Keep this link to yourself: it makes you the host.",
            GuestLink => "Guest link",
            GuestLinkHint => "Send this link to everyone who should join.",
            Copy => "Copy",
            Copied => "Copied",
            OpenAsHost => "Open the meeting as host",
            TitleRequired => "Please enter a title.",
            TextTooLong => "This is too long.",
            ServerUnreachable => "Cannot reach the Sala server. Check your connection and try again.",
            Loading => "Loading…",
            JoinMeeting => "Join the meeting",
            YourName => "Your name",
            NameRequired => "Please enter your name.",
            Join => "Join now",
            Joining => "Joining…",
            Camera => "Camera",
            StartingCamera => "Starting camera and microphone…",
            Microphone => "Microphone",
            JoinWithCameraOff => "Join with camera off",
            JoinWithMicOff => "Join with microphone off",
            JoinWithBothOff => "Join with camera and microphone off",
            Devices => "Settings",
            NoOtherDevice => "Only one found",
            MicLevel => "Microphone level",
            PermissionDenied => "Sala is not allowed to use your camera or microphone. Allow it in the browser's address bar, then try again.",
            NoDevice => "No camera or microphone was found. You can still join and listen.",
            DeviceBusy => "Your camera or microphone is in use by another program. Close it, then try again.",
            InsecureContext => "Camera and microphone need a secure (https) address.",
            MediaUnsupported => "This browser cannot make video calls. Please use a recent Chrome, Edge, Firefox or Safari.",
            TryAgain => "Try again",
            MeetingNotFound => "This meeting does not exist or has ended. Check the link.",
            Mute => "Mute",
            Unmute => "Unmute",
            StopCamera => "Stop camera",
            StartCamera => "Start camera",
            ShareScreen => "Share screen",
            StopSharing => "Stop sharing",
            ScreenShareRefused => "Screen sharing was cancelled or is not allowed.",
            Leave => "Leave",
            Participants => "Participants",
            You => "You",
            HostRole => "Host",
            Muted => "Microphone off",
            CameraOff => "Camera off",
            Speaking => "Speaking",
            ScreenOf => "Screen shared by",
            Connecting => "Connecting…",
            Reconnecting => "Connection lost. Reconnecting…",
            PeerConnecting => "Connecting media…",
            PeerConnectionLost => "Media connection lost, retrying…",
            WaitingForOthers => "You are the only one here. Share the guest link to invite others.",
            PresentSlides => "Present slides",
            StopPresenting => "Stop presenting",
            PreviousSlide => "Previous slide",
            NextSlide => "Next slide",
            SlidesFrom => "Slides from",
            PreparingSlides => "Preparing slides…",
            SlideLoading => "Loading the slide…",
            ScreenAsStills => "Shown as still pictures to save data",
            FileTooLarge => "The file is too large (at most 40 MB, 200 pages).",
            FileUnreadable => "This file is not a PDF or a picture Sala can read.",
            ServerBusy => "The server is busy. Try again in a moment.",
            YouLeft => "You left the meeting.",
            Rejoin => "Rejoin",
            BackHome => "Back to the start page",
            MeetingFull => "This meeting is full.",
            SessionReplaced => "You joined this meeting from another tab or device.",
            ReloadForNewVersion => "Sala was updated. Reload this page to continue.",
            HostKeyRejected => "This host link is not valid for this meeting.",
            Language => "Language",
            WeakConnectionLowVideo => "Weak connection — lower video",
            WeakConnectionAudioSlides => "Weak connection — audio and slides only",
            WeakConnectionAudioOnly => "Very weak connection — audio only",
            DataSaverOn => "Data saver on — audio and slides only",
            TierLowVideo => "Low video",
            TierAudioSlides => "Audio + slides",
            TierAudioOnly => "Audio only",
            DataUse => "Data use",
            SaverAuto => "Automatic (recommended)",
            SaverReceiveAudioOnly => "Receive audio and slides only",
            SaverAudioOnly => "Audio and slides only, both ways",
            SaverFixedSite => "Weak site: start with audio and slides",
            DataUsedLastHour => "Data used in the last hour",
        }
    }

    fn km(self) -> &'static str {
        use Text::*;
        match self {
            Tagline => "កិច្ចប្រជុំ និងសវនាការ ដែលនៅតែឮច្បាស់ ទោះបីការតភ្ជាប់ខ្សោយ។",
            StartMeeting => "ចាប់ផ្តើមកិច្ចប្រជុំ",
            MeetingTitle => "ចំណងជើងកិច្ចប្រជុំ",
            MeetingTitlePlaceholder => "ឧ. កិច្ចប្រជុំគណៈរដ្ឋមន្ត្រីប្រចាំសប្តាហ៍",
            CreateMeeting => "បង្កើតកិច្ចប្រជុំ",
            Creating => "កំពុងបង្កើត…",
            HostLink => "តំណសម្រាប់ម្ចាស់កិច្ចប្រជុំ",
            HostLinkHint => "រក្សាតំណនេះទុកសម្រាប់តែអ្នក៖ វាធ្វើឱ្យអ្នកជាម្ចាស់កិច្ចប្រជុំ។",
            GuestLink => "តំណសម្រាប់អ្នកចូលរួម",
            GuestLinkHint => "ផ្ញើតំណនេះទៅអ្នកដែលត្រូវចូលរួម។",
            Copy => "ចម្លង",
            Copied => "បានចម្លង",
            OpenAsHost => "បើកកិច្ចប្រជុំជាម្ចាស់",
            TitleRequired => "សូមបញ្ចូលចំណងជើង។",
            TextTooLong => "វែងពេក។",
            ServerUnreachable => "មិនអាចភ្ជាប់ទៅម៉ាស៊ីនមេ Sala បានទេ។ សូមពិនិត្យការតភ្ជាប់ ហើយព្យាយាមម្តងទៀត។",
            Loading => "កំពុងផ្ទុក…",
            JoinMeeting => "ចូលរួមកិច្ចប្រជុំ",
            YourName => "ឈ្មោះរបស់អ្នក",
            NameRequired => "សូមបញ្ចូលឈ្មោះរបស់អ្នក។",
            Join => "ចូលរួមឥឡូវនេះ",
            Joining => "កំពុងចូលរួម…",
            Camera => "កាមេរ៉ា",
            StartingCamera => "កំពុងបើកកាមេរ៉ា និងមីក្រូហ្វូន…",
            Microphone => "មីក្រូហ្វូន",
            JoinWithCameraOff => "ចូលរួមដោយបិទកាមេរ៉ា",
            JoinWithMicOff => "ចូលរួមដោយបិទមីក្រូហ្វូន",
            JoinWithBothOff => "ចូលរួមដោយបិទកាមេរ៉ា និងមីក្រូហ្វូន",
            Devices => "ការកំណត់",
            NoOtherDevice => "រកឃើញតែមួយ",
            MicLevel => "កម្រិតសំឡេងមីក្រូហ្វូន",
            PermissionDenied => "Sala មិនត្រូវបានអនុញ្ញាតឱ្យប្រើកាមេរ៉ា ឬមីក្រូហ្វូនរបស់អ្នកទេ។ សូមអនុញ្ញាតនៅរបារអាសយដ្ឋាននៃកម្មវិធីរុករក ហើយព្យាយាមម្តងទៀត។",
            NoDevice => "រកមិនឃើញកាមេរ៉ា ឬមីក្រូហ្វូនទេ។ អ្នកនៅតែអាចចូលរួម និងស្តាប់បាន។",
            DeviceBusy => "កាមេរ៉ា ឬមីក្រូហ្វូនរបស់អ្នក កំពុងប្រើដោយកម្មវិធីផ្សេង។ សូមបិទវា ហើយព្យាយាមម្តងទៀត។",
            InsecureContext => "កាមេរ៉ា និងមីក្រូហ្វូន ត្រូវការអាសយដ្ឋានសុវត្ថិភាព (https)។",
            MediaUnsupported => "កម្មវិធីរុករកនេះ មិនអាចធ្វើការហៅជាវីដេអូបានទេ។ សូមប្រើ Chrome, Edge, Firefox ឬ Safari ថ្មី។",
            TryAgain => "ព្យាយាមម្តងទៀត",
            MeetingNotFound => "កិច្ចប្រជុំនេះមិនមាន ឬបានបញ្ចប់ហើយ។ សូមពិនិត្យតំណ។",
            Mute => "បិទសំឡេង",
            Unmute => "បើកសំឡេង",
            StopCamera => "បិទកាមេរ៉ា",
            StartCamera => "បើកកាមេរ៉ា",
            ShareScreen => "ចែករំលែកអេក្រង់",
            StopSharing => "ឈប់ចែករំលែក",
            ScreenShareRefused => "ការចែករំលែកអេក្រង់ត្រូវបានបោះបង់ ឬមិនត្រូវបានអនុញ្ញាត។",
            Leave => "ចាកចេញ",
            Participants => "អ្នកចូលរួម",
            You => "អ្នក",
            HostRole => "ម្ចាស់កិច្ចប្រជុំ",
            Muted => "មីក្រូហ្វូនបានបិទ",
            CameraOff => "កាមេរ៉ាបានបិទ",
            Speaking => "កំពុងនិយាយ",
            ScreenOf => "អេក្រង់ចែករំលែកដោយ",
            Connecting => "កំពុងភ្ជាប់…",
            Reconnecting => "ការតភ្ជាប់បានដាច់។ កំពុងភ្ជាប់ឡើងវិញ…",
            PeerConnecting => "កំពុងភ្ជាប់សំឡេង និងរូបភាព…",
            PeerConnectionLost => "ការតភ្ជាប់សំឡេង និងរូបភាពបានដាច់ កំពុងព្យាយាមម្តងទៀត…",
            WaitingForOthers => "មានតែអ្នកម្នាក់គត់នៅទីនេះ។ សូមចែករំលែកតំណសម្រាប់អ្នកចូលរួម ដើម្បីអញ្ជើញអ្នកផ្សេង។",
            PresentSlides => "បង្ហាញស្លាយ",
            StopPresenting => "ឈប់បង្ហាញ",
            PreviousSlide => "ស្លាយមុន",
            NextSlide => "ស្លាយបន្ទាប់",
            SlidesFrom => "ស្លាយរបស់",
            PreparingSlides => "កំពុងរៀបចំស្លាយ…",
            SlideLoading => "កំពុងផ្ទុកស្លាយ…",
            ScreenAsStills => "បង្ហាញជារូបភាពនៅស្ងៀម ដើម្បីសន្សំទិន្នន័យ",
            FileTooLarge => "ឯកសារធំពេក (យ៉ាងច្រើន ៤០ MB, ២០០ ទំព័រ)។",
            FileUnreadable => "ឯកសារនេះមិនមែនជា PDF ឬរូបភាពដែល Sala អាចអានបានទេ។",
            ServerBusy => "ម៉ាស៊ីនមេកំពុងរវល់។ សូមព្យាយាមម្តងទៀតបន្តិចទៀត។",
            YouLeft => "អ្នកបានចាកចេញពីកិច្ចប្រជុំ។",
            Rejoin => "ចូលរួមម្តងទៀត",
            BackHome => "ត្រឡប់ទៅទំព័រដើម",
            MeetingFull => "កិច្ចប្រជុំនេះពេញហើយ។",
            SessionReplaced => "អ្នកបានចូលរួមកិច្ចប្រជុំនេះពីផ្ទាំង ឬឧបករណ៍ផ្សេង។",
            ReloadForNewVersion => "Sala ត្រូវបានធ្វើបច្ចុប្បន្នភាព។ សូមផ្ទុកទំព័រនេះឡើងវិញ ដើម្បីបន្ត។",
            HostKeyRejected => "តំណម្ចាស់កិច្ចប្រជុំនេះ មិនត្រឹមត្រូវសម្រាប់កិច្ចប្រជុំនេះទេ។",
            Language => "ភាសា",
            WeakConnectionLowVideo => "ការតភ្ជាប់ខ្សោយ — វីដេអូកម្រិតទាប",
            WeakConnectionAudioSlides => "ការតភ្ជាប់ខ្សោយ — តែសំឡេង និងស្លាយ",
            WeakConnectionAudioOnly => "ការតភ្ជាប់ខ្សោយខ្លាំង — តែសំឡេង",
            DataSaverOn => "បានបើកការសន្សំទិន្នន័យ — តែសំឡេង និងស្លាយ",
            TierLowVideo => "វីដេអូទាប",
            TierAudioSlides => "សំឡេង + ស្លាយ",
            TierAudioOnly => "តែសំឡេង",
            DataUse => "ការប្រើទិន្នន័យ",
            SaverAuto => "ស្វ័យប្រវត្តិ (ណែនាំ)",
            SaverReceiveAudioOnly => "ទទួលតែសំឡេង និងស្លាយ",
            SaverAudioOnly => "តែសំឡេង និងស្លាយ ទាំងពីរទិស",
            SaverFixedSite => "ទីតាំងបណ្តាញខ្សោយ៖ ចាប់ផ្តើមដោយសំឡេង និងស្លាយ",
            DataUsedLastHour => "ទិន្នន័យបានប្រើក្នុងមួយម៉ោងចុងក្រោយ",
        }
    }
}
