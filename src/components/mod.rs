//! One component per file, its `Properties` right above it.

pub mod call;
pub mod call_ended;
pub mod chat_panel;
pub mod consult_bar;
pub mod controls;
pub mod copy_link;
pub mod device_select;
pub mod device_settings;
pub mod gallery_note;
pub mod icon;
pub mod invite_panel;
pub mod join_form;
pub mod lang_switch;
pub mod level_meter;
pub mod lobby_bar;
pub mod media;
pub mod media_toggles;
pub mod oath_dialog;
pub mod participant_list;
pub mod room;
pub mod slide_stage;
pub mod tile;
pub mod waiting_room;
