// Site-wide progressive enhancement. Loaded as <script type="module">, so
// reaching this line means the browser supports GOV.UK Frontend's JavaScript.
import { initAll as initGovuk } from 'govuk-frontend';
import { initAll as initMoj } from '@ministryofjustice/frontend';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');

// GOV.UK Frontend marks a radio that reveals a question with aria-expanded, which ARIA does not
// allow on a radio (alphagov/govuk-frontend#979; axe's critical aria-allowed-attr). The revealed
// question follows its radio in reading order, so dropping the attribute loses nothing.
function dropExpandedFromRadios(root) {
  root.querySelectorAll('input[type="radio"][aria-expanded]').forEach((radio) => radio.removeAttribute('aria-expanded'));
}
new MutationObserver((changes) => {
  for (const { target } of changes) {
    if (target instanceof HTMLInputElement && target.type === 'radio' && target.hasAttribute('aria-expanded')) {
      target.removeAttribute('aria-expanded');
    }
  }
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-expanded'] });

initGovuk({ scope: document.body });
dropExpandedFromRadios(document.body);
initMoj({ scope: document.body });

// <form data-confirm="Are you sure?"> asks before submitting.
document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;

  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
