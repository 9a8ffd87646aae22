// fetch() helpers for the modeler and viewer: same-origin, CSRF header,
// and errors turned into messages a person can act on.

export class RequestError extends Error {}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') : '';
}

async function send(url, options = {}) {
  try {
    return await fetch(url, { credentials: 'same-origin', ...options });
  } catch {
    throw new RequestError('Could not reach the server. Check your connection and try again.');
  }
}

function failure(response) {
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    return new RequestError(
      `The server refused the request (HTTP ${response.status}). ` +
      'Your session may have expired: reload the page and try again.'
    );
  }
  return new RequestError(`The server could not complete the request (HTTP ${response.status}).`);
}

export async function getText(url) {
  const response = await send(url, { headers: { Accept: 'application/xml, text/xml, text/plain' } });
  if (!response.ok) {
    throw failure(response);
  }
  return response.text();
}

async function readJson(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) {
    return null;
  }
  try {
    const body = await response.json();
    return body && typeof body === 'object' && !Array.isArray(body) ? body : null;
  } catch {
    return null;
  }
}

export async function getJson(url) {
  const response = await send(url, { headers: { Accept: 'application/json' } });
  const body = await readJson(response);
  if (!response.ok || !body) {
    throw response.ok ? new RequestError('The server sent a response that could not be read.') : failure(response);
  }
  return body;
}

/**
 * POST `data` as JSON. Resolves to { ok, message, errors, redirect } for any
 * JSON answer (a 4xx/5xx JSON body becomes ok: false); throws RequestError
 * when the server cannot be reached or does not answer with JSON.
 */
export async function postJson(url, data) {
  const response = await send(url, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'X-CSRFToken': csrfToken()
    },
    body: JSON.stringify(data)
  });
  const body = await readJson(response);
  if (!body) {
    throw response.ok ? new RequestError('The server sent a response that could not be read.') : failure(response);
  }

  const errors = Array.isArray(body.errors) ? body.errors : [];
  return {
    ok: response.ok && body.ok === true,
    message: typeof body.message === 'string' && body.message ? body.message
      : response.ok ? '' : `The server could not complete the request (HTTP ${response.status}).`,
    errors: errors
      .filter((error) => error && typeof error.message === 'string')
      .map((error) => ({
        elementId: typeof error.element_id === 'string' && error.element_id ? error.element_id : null,
        message: error.message
      })),
    redirect: typeof body.redirect === 'string' && body.redirect ? body.redirect : null
  };
}

/** A same-origin URL from a server answer, or null. */
export function sameOriginUrl(value) {
  try {
    const url = new URL(value, window.location.href);
    return url.origin === window.location.origin ? url.href : null;
  } catch {
    return null;
  }
}
