"""The browser side of the review widget's keys: a small anywidget (inline JavaScript, nothing loaded).

It lives inside the review widget's root box (class ``wb-review``) and, once shown, makes that box
focusable (a click inside gives it the focus and a blue ring) and listens for keydown on the window in
the capture phase, so it sees a key before JupyterLab (document, bubble phase) and Notebook 7
(document, capture phase) do. A key counts only when its target is inside the review box — or, in the
Voila app (where the review pane is the only user of keys), when it is not typed into a text box — and
is the widget's by the rule of
:func:`workbench.ui.keys.is_widget_key`: such a key is stopped (``stopPropagation`` +
``preventDefault``) and sent to Python; every other key (Ctrl/Cmd/Alt combinations, Enter, Tab, Esc,
any key typed in a text box) passes through untouched. Hovering changes nothing.

Each key shows at once in the widget's key line ("j …"), then the action's result from Python.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

ESM = r"""
const EDITING = 'textarea, select, [contenteditable=""], [contenteditable="true"], input:not([type]), ' +
  'input[type=text], input[type=search], input[type=number], input[type=email], input[type=url], ' +
  'input[type=password], input[type=tel], input[type=date]';
const ARROWS = ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown'];
const PASS = ['Enter', 'Tab', 'Escape', ' '];

function normalize(e) {
  const k = e.key || '';
  if (k.length === 1 && /[a-z]/i.test(k)) return e.shiftKey ? k.toUpperCase() : k.toLowerCase();
  return k;
}
function visible(node) { return !!(node && node.isConnected && node.getClientRects().length); }

function render({ model, el }) {
  el.classList.add('wb-keys');
  const state = document.createElement('span');  // whether keys are on (follows the focus)
  state.className = 'wb-keys-state';
  const line = document.createElement('span');  // the last key and what it did (never overwritten by focus)
  line.className = 'wb-keys-line';
  line.setAttribute('role', 'status');
  el.append(state, line);
  let root = null, tries = 0, timer = null, lastInside = false;
  const voila = () => document.body && document.body.dataset.voila === 'voila';

  const idle = () => {
    const a = document.activeElement;
    const on = root && root.contains(a) && !(a.closest && a.closest(EDITING));
    state.textContent = on ? 'keys on · ? shows them' : (root && root.contains(a) ? 'typing: Esc leaves the text box'
                                                    : 'click the review pane to use its keys');
    el.classList.toggle('wb-keys-on', !!on);
  };
  const flash = (text) => {
    line.textContent = text;
    line.classList.remove('wb-flash');
    void line.offsetWidth;  // restart the animation
    line.classList.add('wb-flash');
  };

  function onKey(e) {
    // a key right after the pane appeared may come before attach()'s next retry: look for the pane now
    if (!root) ensureRoot();
    if (!root || e.wbHandled || e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    const inside = root.contains(target);
    const editing = !!(target && target.closest && target.closest(EDITING));
    // outside the pane: in the Voila app any key not typed into a box (the review pane is the app's only
    // key user; arrows stay with tab bars), or the body after the pane's focused element vanished
    // (a re-rendered view) with no click elsewhere since
    const onBody = target === document.body || target === document.documentElement;
    const bodyFocus = !inside && !editing && visible(root) && !(target.closest && target.closest('.wb-review'))
      && ((onBody && lastInside) || (voila() && !ARROWS.includes(e.key)));
    if (!inside && !bodyFocus) return;
    let key = normalize(e);
    if (editing) {
      if (key !== 'Escape') return;  // a text box keeps its letters; Esc leaves it
      e.wbHandled = true;
      e.stopPropagation(); e.preventDefault();
      target.blur();
      root.focus({ preventScroll: true });
      model.send({ kind: 'key', key: 'Escape', shiftKey: e.shiftKey, editing: true });
      flash('Esc …');
      return;
    }
    const bound = model.get('bound') || [];
    if (!(bound.includes(key) || (key.length === 1 && !PASS.includes(key)))) return;
    e.wbHandled = true;
    e.stopPropagation(); e.preventDefault();
    if (bodyFocus) root.focus({ preventScroll: true });
    flash(key + ' …');
    model.send({ kind: 'key', key: key, shiftKey: e.shiftKey, editing: false });
  }

  function ensureRoot() {
    const found = el.closest('.wb-review');
    if (!found) return false;
    root = found;
    if (!root.hasAttribute('tabindex')) root.tabIndex = 0;
    root.addEventListener('focusin', () => { lastInside = true; idle(); });
    root.addEventListener('focusout', (e) => {
      if (e.relatedTarget && !root.contains(e.relatedTarget)) lastInside = false;
      setTimeout(idle, 0);
    });
    document.addEventListener('mousedown', onDown, true);
    idle();
    return true;
  }
  function attach() {
    if (root || ensureRoot()) return;
    if (tries++ < 600) timer = setTimeout(attach, 100);
  }
  const onDown = (e) => { if (root && !root.contains(e.target)) lastInside = false; };
  window.addEventListener('keydown', onKey, true);
  attach();

  const onFeedback = () => flash(model.get('feedback'));
  model.on('change:presses', onFeedback);
  const onMsg = (msg) => {
    if (!root || !msg) return;
    if (msg.do === 'focus-editor') {
      let n = 0;
      const go = () => {
        const area = [...root.querySelectorAll('.wb-editor textarea')].find(visible);
        if (area) { area.focus(); idle(); } else if (n++ < 100) setTimeout(go, 50);
      };
      go();
    } else if (msg.do === 'focus-root') {
      root.focus({ preventScroll: true });
    }
  };
  model.on('msg:custom', onMsg);
  return () => {
    window.removeEventListener('keydown', onKey, true);
    document.removeEventListener('mousedown', onDown, true);
    if (timer) clearTimeout(timer);
    model.off('change:presses', onFeedback);
    model.off('msg:custom', onMsg);
  };
}
export default { render };
"""

CSS = """
.wb-review:focus{outline:none}
.wb-review:focus-within{outline:2px solid #1a73e8;outline-offset:2px;border-radius:4px}
.wb-keys{display:inline-block;font-size:12px;color:#555;margin:2px 0}
.wb-keys .wb-keys-state{display:inline-block;padding:1px 8px;border-radius:10px;background:#eef1f5;margin-right:6px}
.wb-keys.wb-keys-on .wb-keys-state{background:#e3effd;color:#0b4a8b}
.wb-keys .wb-keys-line{display:inline-block;padding:1px 8px;border-radius:10px}
.wb-keys .wb-keys-line:empty{display:none}
.wb-keys .wb-flash{animation:wb-key-flash .6s ease-out}
@keyframes wb-key-flash{from{background:#ffe58a}to{background:transparent}}
.wb-review .widget-toggle-button.mod-active,.wb-review .jupyter-widget-toggle-button.mod-active{
 background:#1a73e8 !important;color:#fff !important;font-weight:bold;box-shadow:none}
.wb-keymap{border-collapse:collapse;font-size:12px;margin:4px 0}
.wb-keymap td{padding:1px 8px;border-bottom:1px solid #eee}
.wb-keymap kbd,.wb-help kbd{border:1px solid #bbb;border-radius:3px;padding:0 4px;background:#fafafa;
 font-family:inherit}
.wb-keynote{color:#666;font-size:11px;max-width:720px}
"""


class KeyCapture(anywidget.AnyWidget):
    """The key listener of one review widget; ``on_key(event) -> feedback or None`` does the work.

    ``bound`` lists the keys with an action (the browser stops those and every other single
    character); ``feedback`` is the last key's result and ``presses`` counts the keys handled.
    """

    _esm = ESM
    _css = CSS
    bound = t.List(t.Unicode()).tag(sync=True)
    feedback = t.Unicode("").tag(sync=True)
    presses = t.Int(0).tag(sync=True)

    def __init__(self, on_key: Callable[[dict[str, Any]], str | None], bound: list[str], **kw: Any):
        super().__init__(bound=list(bound), **kw)
        self._on_key = on_key
        self.on_msg(self._message)

    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("kind") == "key":
            self.show(self._on_key({"type": "keydown", **content}))

    def show(self, text: str | None) -> None:
        """Show ``text`` in the key line (every key press changes ``presses``, so it flashes)."""
        if text is not None:
            self.feedback = text
            self.presses += 1

    def focus_editor(self) -> None:
        """Ask the browser to put the cursor in the editor's first text box."""
        self.send({"do": "focus-editor"})
