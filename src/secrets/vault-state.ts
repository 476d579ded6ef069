/** The names under which main saves its vault for the post step (GITHUB_STATE; the post step gets them as STATE_<name>). */
export const VAULT_STATE_KEY = 'vault-dir';
export const VAULT_MARKER_KEY = 'vault-marker';
