//! The built client: files from the dist directory, `index.html` for every
//! other path (client-side routes such as `/m/<id>`).

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(dist: &Path) -> Router {
    let index = ServeFile::new(dist.join("index.html"));
    Router::new()
        .fallback_service(ServeDir::new(dist).fallback(index))
        .layer(middleware::from_fn(cache_headers))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let value = if html {
        Some("no-cache")
    } else if hashed && res.status().is_success() {
        Some("public, max-age=31536000, immutable")
    } else {
        None
    };
    if let Some(v) = value {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(v));
    }
    res
}

/// Whether the file name carries a content hash, as the bundler writes them:
/// `name-<16 or more hex digits>[_bg].ext`.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    file.match_indices('-').any(|(i, _)| {
        file[i + 1..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count()
            >= 16
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn hashed_names() {
        assert!(is_hashed_asset("/sala-3f1a0c2b9d8e7f6a_bg.wasm"));
        assert!(is_hashed_asset("/assets/index-0123456789abcdef.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/m/abc-def"));
        assert!(!is_hashed_asset("/abc-0123456789abcdef/page"));
    }
}
