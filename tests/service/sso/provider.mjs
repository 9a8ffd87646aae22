// A real OpenID provider (npm oidc-provider, from the project's lock file) for the single sign-on tests.
// Started by tests/service/sso/conftest.py with its settings in the environment; prints "ready" when listening.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const clients = JSON.parse(process.env.OIDC_CLIENTS);

const provider = new Provider(issuer, {
  clients,
  // Scope claims (name, email, roles, oid) go into the ID token, as Entra ID puts app roles there.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username', 'oid', 'roles'],
    email: ['email'],
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => { console.log('ready'); });
