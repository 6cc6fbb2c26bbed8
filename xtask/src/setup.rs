//! Installs what the build and the tests need, skipping what is already there.
//! Sources: rustup, crates.io, npm and Debian's apt only (GitHub downloads fail on our machines).

use crate::run::{cmd, root, tools_bin, Error, Result};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132.0.0";
/// Splits the client's wasm at `crate::joined` (scripts/bin/wasm-bindgen).
const WASM_SPLIT_VERSION: &str = "0.2.4";
/// Minifies the client's JS glue (scripts/shrink-glue.mjs, Trunk.toml's hook).
const TERSER_VERSION: &str = "5.51.4";
const PLAYWRIGHT_VERSION: &str = "1.64.1";
/// Debian packages for the browser tests: the browser and its driver, Khmer
/// fonts so pages render as users see them, nftables for loss on test links;
/// and coturn ([`SERVE_PACKAGES`]): the TURN tests run it as `serve` does.
const BROWSER_PACKAGES: &[&str] = &["chromium", "chromium-driver", "fonts-khmeros", "nftables"];
/// Debian packages `cargo xtask serve` runs beside Sala: coturn, the TURN
/// server for browsers behind a NAT or a firewall.
pub const SERVE_PACKAGES: &[&str] = &["coturn"];
/// Debian packages the benchmarks call: curl counts bytes as served,
/// openssl makes the throwaway certificate of `bench firstload`.
pub const BENCH_PACKAGES: &[&str] = &["curl", "openssl"];
/// Debian packages every build needs: `brotli` precompresses the client
/// (Trunk.toml's hook); `make` builds the server's allocator (jemalloc).
const BUILD_PACKAGES: &[&str] = &["brotli", "make"];

/// Everything for building; with `browser`, also for the browser tests.
pub fn all(browser: bool) -> Result<()> {
    wasm_target()?;
    clippy()?;
    trunk()?;
    wasm_bindgen()?;
    wasm_split()?;
    npm_tools()?;
    apt(BUILD_PACKAGES)?;
    if browser {
        apt(BROWSER_PACKAGES)?;
        apt(SERVE_PACKAGES)?;
        e2e_packages()?;
    }
    Ok(())
}

fn has(program: &str, args: &[&str], expect: &str) -> bool {
    cmd(program, args)
        .output()
        .is_some_and(|out| out.contains(expect))
}

fn wasm_target() -> Result<()> {
    if has(
        "rustup",
        &["target", "list", "--installed"],
        "wasm32-unknown-unknown",
    ) {
        return Ok(());
    }
    cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]).run()
}

/// Clippy runs in the test command (a lint there guards a real bug).
fn clippy() -> Result<()> {
    if has("cargo", &["clippy", "--version"], "clippy") {
        return Ok(());
    }
    cmd("rustup", &["component", "add", "clippy"]).run()
}

fn trunk() -> Result<()> {
    if has("trunk", &["--version"], TRUNK_VERSION) {
        return Ok(());
    }
    // The newest Trunk needs a newer rustc than these machines have: pin it.
    cmd(
        "cargo",
        &["install", "--locked", &format!("trunk@{TRUNK_VERSION}")],
    )
    .run()
}

/// The wasm-bindgen version Cargo.lock resolved; Trunk insists the CLI matches it.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| Error::Other(format!("reading Cargo.lock: {e}")))?;
    lock.split("[[package]]")
        .find(|p| p.contains("name = \"wasm-bindgen\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_owned())
        .ok_or_else(|| Error::Other("wasm-bindgen is not in Cargo.lock".into()))
}

fn wasm_bindgen() -> Result<()> {
    let version = locked_wasm_bindgen()?;
    if has("wasm-bindgen", &["--version"], &version)
        && has("wasm-bindgen-test-runner", &["--version"], &version)
    {
        return Ok(());
    }
    // Not --locked: its lockfile pins a crate version crates.io no longer serves.
    cmd(
        "cargo",
        &["install", "wasm-bindgen-cli", "--version", &version],
    )
    .run()
}

fn wasm_split() -> Result<()> {
    let installed = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
    if has("cargo", &["install", "--list"], &installed) {
        return Ok(());
    }
    cmd(
        "cargo",
        &[
            "install",
            "--locked",
            "wasm_split_cli_support",
            "--version",
            WASM_SPLIT_VERSION,
            "--features",
            "build-binary",
        ],
    )
    .run()
}

/// wasm-opt from npm's binaryen (Debian's is too old to read today's wasm),
/// and terser. One `npm install` for both: a later `--no-save` install would
/// prune what an earlier one put there.
fn npm_tools() -> Result<()> {
    let bin = tools_bin();
    let major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
    let wasm_opt = has(
        bin.join("wasm-opt").to_str().unwrap_or_default(),
        &["--version"],
        &format!("version {major}"),
    );
    let terser = has(
        bin.join("terser").to_str().unwrap_or_default(),
        &["--version"],
        TERSER_VERSION,
    );
    if wasm_opt && terser {
        return Ok(());
    }
    node()?;
    let prefix = root().join(".tools");
    std::fs::create_dir_all(&prefix).map_err(|e| Error::Other(format!("creating .tools: {e}")))?;
    cmd(
        "npm",
        &[
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            &format!("binaryen@{BINARYEN_VERSION}"),
            &format!("terser@{TERSER_VERSION}"),
        ],
    )
    .dir(prefix)
    .run()
}

fn node() -> Result<()> {
    if has("node", &["--version"], "v") && has("npm", &["--version"], ".") {
        return Ok(());
    }
    apt(&["nodejs", "npm"])
}

fn e2e_packages() -> Result<()> {
    node()?;
    let installed = root().join("tests/e2e/node_modules/playwright-core/package.json");
    let current = std::fs::read_to_string(installed)
        .is_ok_and(|p| p.contains(&format!("\"version\": \"{PLAYWRIGHT_VERSION}\"")));
    if current {
        return Ok(());
    }
    // playwright-core only: it never downloads a browser; tests use Debian's chromium.
    cmd("npm", &["ci", "--no-audit", "--no-fund"])
        .dir(root().join("tests/e2e"))
        .run()
}

fn installed(package: &str) -> bool {
    has(
        "dpkg-query",
        &["-W", "-f=${Status}", package],
        "install ok installed",
    )
}

/// Installs the missing Debian packages among `packages` (as root, or through sudo).
pub fn apt(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root_user = cmd("id", &["-u"])
        .output()
        .is_some_and(|id| id.trim() == "0");
    let apt_get = |args: &[&str]| {
        let mut all = vec!["apt-get"];
        all.extend_from_slice(args);
        let (program, rest) = if root_user {
            (all[0], &all[1..])
        } else {
            ("sudo", &all[..])
        };
        cmd(program, rest)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .run()
    };
    apt_get(&["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(&missing);
    apt_get(&args)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_wasm_bindgen_version_from_the_lockfile() {
        let v = super::locked_wasm_bindgen().unwrap();
        assert!(v.starts_with("0.2."), "{v}");
        let manifest = std::fs::read_to_string(super::root().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={v}\"")),
            "Cargo.toml pins wasm-bindgen to the locked version"
        );
    }
}
