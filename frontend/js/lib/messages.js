// GOV.UK style messages built as DOM nodes. Server strings only ever go in
// through textContent.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}

function errorList(errors, onSelect, className) {
  const list = el('ul', `govuk-list ${className}`);
  for (const error of errors) {
    const item = el('li');
    if (error.elementId && onSelect) {
      const link = el('a', '', error.message);
      link.href = `#${encodeURIComponent(error.elementId)}`;
      link.dataset.elementId = error.elementId;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        onSelect(error.elementId);
      });
      item.append(link);
    } else {
      item.textContent = error.message;
    }
    list.append(item);
  }
  return list;
}

export function clearMessages(container) {
  container.replaceChildren();
}

/**
 * Error summary. `errors` are { elementId, message }; `onSelect(elementId)`
 * is called when a person follows the link for an error with an element.
 */
export function showErrors(container, { message, errors = [], onSelect, title = 'There is a problem' }) {
  const summary = el('div', 'govuk-error-summary');
  summary.tabIndex = -1;
  summary.append(el('h2', 'govuk-error-summary__title', title));

  const body = el('div', 'govuk-error-summary__body');
  if (message) {
    body.append(el('p', 'govuk-body', message));
  }
  if (errors.length) {
    body.append(errorList(errors, onSelect, 'govuk-error-summary__list'));
  }
  summary.append(body);

  container.replaceChildren(summary);
  summary.focus();
  return summary;
}

/** Success notification banner, optionally with a list of remarks. */
export function showSuccess(container, { message, errors = [], onSelect, title = 'Success' }) {
  const banner = el('div', 'govuk-notification-banner govuk-notification-banner--success');
  const header = el('div', 'govuk-notification-banner__header');
  header.append(el('h2', 'govuk-notification-banner__title', title));

  const content = el('div', 'govuk-notification-banner__content');
  content.append(el('p', 'govuk-notification-banner__heading', message || 'Done.'));
  if (errors.length) {
    content.append(errorList(errors, onSelect, 'govuk-list--bullet'));
  }
  banner.append(header, content);

  container.replaceChildren(banner);
  return banner;
}
