// Conditional reveals under radios (the GOV.UK pattern: the minutes late under "Late", a
// decision's question under "A decision"), without the aria-expanded that GOV.UK Frontend puts
// on each radio: ARIA does not allow it on a radio, and axe reports it as a critical failure.
// Runs before GOV.UK Frontend's initAll, and takes these groups over from its Radios module.
for (const group of document.querySelectorAll('.govuk-radios[data-module="govuk-radios"]')) {
  const all = [...group.querySelectorAll('input[type="radio"]')];
  const controlled = all.filter((input) => input.dataset.ariaControls || input.getAttribute("aria-controls"));
  if (!controlled.length) continue;
  group.removeAttribute("data-module");
  const targets = new Map();
  for (const input of controlled) {
    const id = input.dataset.ariaControls || input.getAttribute("aria-controls");
    const target = document.getElementById(id);
    input.removeAttribute("data-aria-controls");
    if (target) {
      input.setAttribute("aria-controls", id);
      targets.set(input, target);
    } else {
      input.removeAttribute("aria-controls"); // a choice with nothing to reveal
    }
  }
  const sync = () => {
    for (const [input, target] of targets) {
      target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  };
  for (const input of all) input.addEventListener("change", sync);
  sync();
}
