//! The engine before Join: the join screen's preview, device pickers and
//! toggles. Join hands the engine over to the in-call code, which the release
//! build keeps in a wasm chunk of its own (`crate::joined`): this file and
//! what it calls are all of the engine a first load carries.

use super::{Command, Engine, Event, Handover};
use crate::state::Action;
use futures::channel::mpsc::UnboundedReceiver;
use futures::StreamExt;

impl Engine {
    /// Runs the join screen until Join, then the call; or until the page
    /// leaves (the engine is dropped: every track stops).
    pub(super) async fn before_join(mut self, mut events: UnboundedReceiver<Event>) {
        if self.pass.watch_only() {
            self.enter_gallery();
        } else {
            self.capture().await;
        }
        while let Some(event) = events.next().await {
            match event {
                Event::Command(Command::Join(name)) => {
                    self.emit(Action::Joining);
                    match crate::joined::load().await {
                        Ok(joined) => {
                            let handover = Handover {
                                engine: self,
                                events,
                                name,
                            };
                            return (joined.run)(handover).await;
                        }
                        // Nothing is lost: the join screen says so, and Join
                        // tries again.
                        Err(crate::joined::NotLoaded) => self.emit(Action::NotLoaded),
                    }
                }
                // No connection yet to put a new track on, nobody to tell.
                Event::Command(cmd) => {
                    self.device(cmd).await;
                }
                Event::DevicesChanged => self.refresh_devices().await,
                Event::Shutdown => break,
                // Only the call opens a socket, a peer connection, a screen
                // share or the slides, or starts the timers.
                Event::Socket(..)
                | Event::Peer(..)
                | Event::Timer
                | Event::QualityTick
                | Event::ScreenEnded
                | Event::Slides(_) => {}
            }
        }
        self.unwatch_devices();
    }
}
