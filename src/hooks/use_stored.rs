use gloo_storage::{LocalStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};
use std::ops::Deref;
use yew::prelude::*;

/// A value kept in this browser's `localStorage`: read it through `Deref`,
/// change it with [`UseStoredHandle::set`].
pub struct UseStoredHandle<T> {
    key: &'static str,
    value: UseStateHandle<T>,
}

impl<T> Clone for UseStoredHandle<T> {
    fn clone(&self) -> Self {
        UseStoredHandle {
            key: self.key,
            value: self.value.clone(),
        }
    }
}

impl<T> Deref for UseStoredHandle<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize + 'static> UseStoredHandle<T> {
    /// The new value, for this page and the next visit.
    pub fn set(&self, value: T) {
        // Remembering is a convenience; private mode may refuse it.
        drop(LocalStorage::set(self.key, &value));
        self.value.set(value);
    }
}

/// The value stored under `key` (JSON, as `gloo-storage` writes it), or the
/// default when there is none or it does not parse.
#[hook]
pub fn use_stored<T>(key: &'static str) -> UseStoredHandle<T>
where
    T: DeserializeOwned + Default + 'static,
{
    let value = use_state(|| LocalStorage::get(key).unwrap_or_default());
    UseStoredHandle { key, value }
}
