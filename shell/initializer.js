// The loading screen's script (index.html's `data-initializer`). Trunk's
// inline module calls these hooks while it fetches and starts the wasm: the
// figure shows how much of the wasm has arrived; a failure, or no byte for
// STALL_MS, shows the message in both languages with Retry. Once the app
// runs, the loader goes and the service worker (sw.js) is registered.

const STALL_MS = 30000;

export default function initializer() {
  const $ = (id) => document.getElementById(id);
  let stall;
  const fail = () => {
    clearTimeout(stall);
    $("ld-err").hidden = false;
    $("loader").className = "failed";
  };
  const watch = () => {
    clearTimeout(stall);
    stall = setTimeout(fail, STALL_MS);
  };
  // The failed load is gone for good (a module graph runs once): load again.
  $("ld-retry").onclick = () => location.reload();
  return {
    onStart: watch,
    onProgress({ current, total }) {
      watch();
      const pct = Math.min(100, Math.floor((current * 100) / total));
      $("ld-bar").value = pct;
      $("ld-pct").textContent = pct + "%";
    },
    onComplete: () => clearTimeout(stall),
    onSuccess() {
      $("loader")?.remove();
      if (!("serviceWorker" in navigator)) return;
      const register = () =>
        navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("service worker", e));
      if (document.readyState === "complete") register();
      else addEventListener("load", register, { once: true });
    },
    onFailure: fail,
  };
}
