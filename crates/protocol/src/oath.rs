//! The oath and the affirmation a witness or an interpreter takes, in each
//! language the interface speaks. The texts live here, not in the client's
//! translations, so that the record stores the very words that were shown:
//! the server writes them from this table, whatever a client claims.

use serde::{Deserialize, Serialize};

/// A language of the interface (and of the oath's text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Km,
}

impl Language {
    /// BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Km => "km",
        }
    }
}

/// Sworn on one's faith, or solemnly affirmed without it; the witness chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OathForm {
    Oath,
    Affirmation,
}

impl OathForm {
    pub const ALL: [OathForm; 2] = [OathForm::Oath, OathForm::Affirmation];

    /// The words, in `lang`.
    pub fn text(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Self::Oath, Language::En) => {
                "I swear that the evidence I shall give shall be the truth, the whole truth and nothing but the truth."
            }
            (Self::Affirmation, Language::En) => {
                "I solemnly, sincerely and truly declare and affirm that the evidence I shall give shall be the truth, the whole truth and nothing but the truth."
            }
            (Self::Oath, Language::Km) => {
                "ខ្ញុំសូមស្បថថា សក្ខីកម្មដែលខ្ញុំនឹងផ្តល់ជូន គឺជាការពិត ការពិតទាំងស្រុង និងគ្មានអ្វីក្រៅពីការពិតឡើយ។"
            }
            (Self::Affirmation, Language::Km) => {
                "ខ្ញុំសូមប្រកាស និងអះអាងយ៉ាងឱឡារិក ស្មោះត្រង់ និងពិតប្រាកដថា សក្ខីកម្មដែលខ្ញុំនឹងផ្តល់ជូន គឺជាការពិត ការពិតទាំងស្រុង និងគ្មានអ្វីក្រៅពីការពិតឡើយ។"
            }
        }
    }
}
