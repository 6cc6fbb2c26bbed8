fn main() {
    yew::Renderer::<sala::App>::new().render();
}
