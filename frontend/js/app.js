// Site-wide progressive enhancement. Loaded as <script type="module">, so
// reaching this line means the browser supports GOV.UK Frontend's JavaScript.
import { initAll as initGovuk } from 'govuk-frontend';
import { initAll as initMoj } from '@ministryofjustice/frontend';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');

initGovuk({ scope: document.body });
initMoj({ scope: document.body });

// <form data-confirm="Are you sure?"> asks before submitting.
document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;

  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
