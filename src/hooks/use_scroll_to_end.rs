use yew::prelude::*;

/// A ref for a scrolling list, scrolled to its end whenever `len` changes: the
/// newest item stays in view.
#[hook]
pub fn use_scroll_to_end(len: usize) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(len, move |_| {
            if let Some(el) = node.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    node
}
