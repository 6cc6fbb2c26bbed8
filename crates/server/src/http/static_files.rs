//! The built client: files from the dist directory, `index.html` for every
//! other path (client-side routes such as `/m/<id>`), under a strict
//! Content-Security-Policy, each as the build precompressed it.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{
    HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    VARY, X_CONTENT_TYPE_OPTIONS,
};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router(dist: &Path) -> Router {
    let index_path = dist.join("index.html");
    // A missing client (tests of the API alone) gets a policy without scripts.
    let index_html = std::fs::read_to_string(&index_path).unwrap_or_default();
    let policy =
        HeaderValue::from_str(&content_security_policy(&index_html)).expect("the policy is ASCII");
    let fixed =
        |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::overriding(name, value);
    Router::new()
        // The build writes `<file>.br` and `<file>.gz` beside each file
        // (Trunk.toml's hook): sent as they are, in the best encoding the
        // browser takes, with `Vary: Accept-Encoding`.
        .fallback_service(
            ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    ServeFile::new(index_path)
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        )
        .layer(middleware::from_fn(cache_headers))
        .layer(fixed(CONTENT_SECURITY_POLICY, policy))
        .layer(fixed(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(fixed(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Which bytes went depends on the request's `Accept-Encoding`; a
        // cache on the way must not give the brotli ones to a browser that
        // asked for gzip.
        .layer(fixed(VARY, HeaderValue::from_static("accept-encoding")))
}

/// Scripts only from this server, plus the inline module script the bundler
/// writes into `index.html` (allowed by its hash, so an injected one is not),
/// and WebAssembly; no inline styles or style attributes; pictures from here
/// and the client's own object URLs (slides); no plugins, no framing, no
/// `<base>`.
pub fn content_security_policy(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|code| format!(" 'sha256-{}'", B64.encode(Sha256::digest(code.as_bytes()))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The text of each `<script>` without a `src` attribute, as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attrs, body) = rest.split_once('>')?;
        let (code, _) = body.split_once("</script>")?;
        (!attrs.contains("src=")).then_some(code)
    })
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
    use super::{content_security_policy, is_hashed_asset};

    #[test]
    fn the_policy_allows_the_inline_module_by_its_hash_and_nothing_inline_else() {
        let html =
            "<!doctype html><script type=module>import init from '/a.js';\nawait init();</script>\
                    <script src=/b.js></script><link href=/c.css rel=stylesheet>";
        let policy = content_security_policy(html);
        // SHA-256 of the script's text, in base64 (computed with Python's hashlib).
        assert!(
            policy.contains(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-qEfb+mRnjFjtKes/mHMdd2DUXjKPQJ++EQH6PnIlcIE=';"
            ),
            "{policy}"
        );
        assert_eq!(
            policy.matches("'sha256-").count(),
            1,
            "only the inline script: {policy}"
        );
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("style-src 'self';"));
        assert!(policy.contains("object-src 'none'"));
        assert!(content_security_policy("").contains("script-src 'self' 'wasm-unsafe-eval';"));
    }

    #[test]
    fn hashed_names() {
        assert!(is_hashed_asset("/sala-3f1a0c2b9d8e7f6a_bg.wasm"));
        assert!(is_hashed_asset("/assets/index-0123456789abcdef.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/m/abc-def"));
        assert!(!is_hashed_asset("/abc-0123456789abcdef/page"));
    }
}
