// Links that carry an input in their fragment (the part after #, which never reaches a
// server): `#input=<base64url of the UTF-8 text>` or `#z=<base64url of it, deflate-raw
// compressed>`, with options such as `&format=terraform`.

export function fromBase64url(data) {
  let b64 = data.replace(/-/g, '+').replace(/_/g, '/');
  while (b64.length % 4) b64 += '=';
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export function toBase64url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function through(stream, bytes) {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
}

/** The fragment's parameters, or null when it carries no input. */
export function fragmentParams(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.has('input') || params.has('z') ? params : null;
}

/** Resolves to the text a fragment carries. */
export async function textFromParams(params) {
  const plain = params.get('input');
  const bytes = plain !== null
    ? fromBase64url(plain)
    : await through(new DecompressionStream('deflate-raw'), fromBase64url(params.get('z')));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The fragment parameter that carries `text`, compressed. */
export async function packText(text) {
  return toBase64url(await through(new CompressionStream('deflate-raw'), new TextEncoder().encode(text)));
}
