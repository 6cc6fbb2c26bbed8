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

/// Scripts only from this server, plus the inline scripts of `index.html` (the
/// bundler's module, the loader's watchdog: allowed by their hashes, so an
/// injected one is not),
/// and WebAssembly; styles from this server plus the loading screen's inline
/// `<style>` (by its hash: no style attributes, no injected style); pictures
/// from here and the client's own object URLs (slides); no plugins, no
/// framing, no `<base>`. The service worker (`/sw.js`) falls under
/// `script-src 'self'` (`worker-src` is not set).
pub fn content_security_policy(index_html: &str) -> String {
    let scripts = hashes(inline_blocks(index_html, "script"));
    let styles = hashes(inline_blocks(index_html, "style"));
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'{styles}; \
         img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// Each text as a CSP source: ` 'sha256-<base64>'`.
fn hashes(texts: Vec<&str>) -> String {
    texts
        .into_iter()
        .map(|text| format!(" 'sha256-{}'", B64.encode(Sha256::digest(text.as_bytes()))))
        .collect()
}

/// The text of each inline `<tag>` (a `<script>` or `<style>` without a `src`
/// attribute), as the browser hashes it.
fn inline_blocks<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    html.split(open.as_str())
        .skip(1)
        .filter_map(|rest| {
            // `<styles…` or `<scripts…` would be another element.
            if !rest.starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
                return None;
            }
            let (attrs, body) = rest.split_once('>')?;
            let (text, _) = body.split_once(close.as_str())?;
            (!attrs.contains("src=")).then_some(text)
        })
        .collect()
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if let Some(v) = cache_control(&path, html, res.status().is_success()) {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(v));
    }
    res
}

/// The shell — any page, and the service worker that keeps the app — is asked
/// for again every time (`no-cache`: a new build is seen at once); the hashed
/// files it names never change (`immutable`); the rest is left to the browser.
fn cache_control(path: &str, html: bool, success: bool) -> Option<&'static str> {
    if html || path == "/sw.js" {
        Some("no-cache")
    } else if is_hashed_asset(path) && success {
        Some("public, max-age=31536000, immutable")
    } else {
        None
    }
}

/// Hex digits that make a content hash. Trunk writes its 64-bit hash
/// without leading zeros: 16 digits, 15 in one build of 16, 14 in one of
/// 256…; scripts/chunks.mjs always 16.
const MIN_HASH_DIGITS: usize = 12;

/// Whether the file name carries a content hash, as the bundler writes them:
/// `name-<hex digits>[_bg].ext`, or `<hex digits>-name.ext` (the loader's
/// initializer module).
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let hex_run = |s: &str| s.bytes().take_while(u8::is_ascii_hexdigit).count();
    let prefixed = file
        .split_once('-')
        .is_some_and(|(head, _)| head.len() >= MIN_HASH_DIGITS && hex_run(head) == head.len());
    prefixed
        || file
            .match_indices('-')
            .any(|(i, _)| hex_run(&file[i + 1..]) >= MIN_HASH_DIGITS)
}

#[cfg(test)]
mod tests {
    use super::{cache_control, content_security_policy, is_hashed_asset};

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
        assert!(
            policy.contains("style-src 'self';"),
            "no inline style: {policy}"
        );
        assert!(policy.contains("object-src 'none'"));
        assert!(content_security_policy("").contains("script-src 'self' 'wasm-unsafe-eval';"));
    }

    #[test]
    fn hashed_names() {
        assert!(is_hashed_asset("/sala-3f1a0c2b9d8e7f6a_bg.wasm"));
        assert!(is_hashed_asset("/assets/index-0123456789abcdef.js"));
        assert!(is_hashed_asset("/d21f83758e4c0ffc-initializer.js"));
        // Trunk's hash without its leading zero, and the chunk past Join.
        assert!(is_hashed_asset("/sala-c3896de1a63b41f.js"));
        assert!(is_hashed_asset("/3896de1a63b41f-initializer.js"));
        assert!(is_hashed_asset("/split_joined-c7f6b27b4cb5cc49.wasm"));
        assert!(!is_hashed_asset("/sala-cafe.js"));
        assert!(!is_hashed_asset("/d21f83758e4c0ffz-initializer.js"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/m/abc-def"));
        assert!(!is_hashed_asset("/abc-0123456789abcdef/page"));
    }

    #[test]
    fn the_policy_allows_the_inline_style_by_its_hash_and_no_other_style() {
        let html = "<!doctype html><style>#loader { color: red; }\n</style>\
                    <link href=/c.css rel=stylesheet><styles>x</styles><p>no</p>";
        let policy = content_security_policy(html);
        // SHA-256 of "#loader { color: red; }\n" in base64 (Python's hashlib).
        assert!(
            policy.contains(
                "style-src 'self' 'sha256-0mvGsBOsw5FJhBaWYoePQfTXtlx4QcwpxAnPPhIedzo=';"
            ),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 1, "{policy}");
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn the_shell_is_revalidated_and_hashed_files_kept() {
        assert_eq!(cache_control("/", true, true), Some("no-cache"));
        assert_eq!(cache_control("/m/abc", true, true), Some("no-cache"));
        assert_eq!(cache_control("/sw.js", false, true), Some("no-cache"));
        assert_eq!(
            cache_control("/sala-0123456789abcdef_bg.wasm", false, true),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(
            cache_control("/sala-0123456789abcdef.js", false, false),
            None
        );
        assert_eq!(cache_control("/robots.txt", false, true), None);
    }
}
