// The loading screen's progress (index.html's `data-initializer`). Trunk's
// inline module calls these hooks while it fetches and starts the wasm: the
// figure shows how much of the wasm has arrived. A failure, or no byte for
// STALL_MS, shows the error with Retry (`salaFail`, in index.html, whose timer
// this takes over); bytes that come again hide it. Once the app runs, the
// loader goes and the service worker (sw.js) is registered.

const STALL_MS = 30000;

export default function initializer() {
  const $ = (id) => document.getElementById(id);
  const watch = () => {
    clearTimeout(window.salaStall);
    window.salaStall = setTimeout(window.salaFail, STALL_MS);
    $("ld-err").hidden = true;
    $("loader").className = "";
  };
  watch();
  return {
    onProgress({ current, total }) {
      watch();
      const pct = Math.min(100, Math.floor((current * 100) / total));
      $("ld-bar").value = pct;
      $("ld-pct").textContent = pct + "%";
    },
    onComplete: () => clearTimeout(window.salaStall),
    onSuccess() {
      $("loader")?.remove();
      if (!("serviceWorker" in navigator)) return;
      const register = () =>
        navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("service worker", e));
      if (document.readyState === "complete") register();
      else addEventListener("load", register, { once: true });
    },
    onFailure: () => window.salaFail(),
  };
}
