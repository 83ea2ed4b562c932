// The relying-party side of SSO (openid-client): authorization code + PKCE (S256), state and nonce.
// The login's secrets live in Redis under a random state, read once with GETDEL, so a replayed or
// forged callback finds nothing; a short-lived cookie ties the state to the browser that started.
import * as client from 'openid-client';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import { AppError } from '../../infra/errors.ts';

export const DEV_IDP_PATH = '/dev-idp';
export const DEV_IDP_CLIENT_ID = 'mylog-dev';
export const LOGIN_STATE_COOKIE = 'mylog_oidc_state';
/** Pinned: an ID token signed with `none`, an HMAC or any other algorithm is refused. */
const ACCEPTED_ID_TOKEN_ALG = 'RS256';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  roleClaim: string;
}

export function oidcSettings(config: Config): OidcSettings | undefined {
  const issuer =
    config.oidc.issuer ??
    (config.auth.devIdpEnabled ? `${config.publicUrl}${DEV_IDP_PATH}` : undefined);
  if (issuer === undefined) return undefined;
  return {
    issuer,
    clientId: config.oidc.clientId ?? DEV_IDP_CLIENT_ID,
    clientSecret: config.oidc.clientSecret,
    redirectUri: config.oidc.redirectUri ?? `${config.publicUrl}/auth/callback`,
    roleClaim: config.oidc.roleClaim,
  };
}

interface PendingLogin {
  verifier: string;
  nonce: string;
  returnTo: string;
}

export interface CompletedLogin {
  issuer: string;
  claims: client.IDToken;
  userinfo: client.UserInfoResponse | undefined;
  idToken: string;
}

export class SsoError extends AppError {
  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

export function createOidcClient(config: Config, redis: Redis, settings: OidcSettings) {
  let discovered: Promise<client.Configuration> | undefined;
  const stateKey = (state: string) => `${config.redisKeyPrefix}:oidc:login:${state}`;

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        { id_token_signed_response_alg: ACCEPTED_ID_TOKEN_ALG },
        settings.clientSecret === undefined
          ? client.None()
          : client.ClientSecretBasic(settings.clientSecret),
        {
          execute: [
            // The dev IdP and tests speak plain HTTP on localhost; real IdPs are https-only.
            ...(settings.issuer.startsWith('http:') ? [client.allowInsecureRequests] : []),
            // Verify the ID token's signature against the IdP's JWKS, not only its claims.
            client.enableNonRepudiationChecks,
          ],
        },
      )
      .catch((error: unknown) => {
        // A failed discovery (IdP down at boot) must be retried on the next login, not cached.
        discovered = undefined;
        throw new AppError(
          503,
          'idp_unavailable',
          `the identity provider is not reachable: ${(error as Error).message}`,
        );
      });
    return discovered;
  }

  return {
    settings,
    async begin(returnTo: string): Promise<{ url: URL; state: string }> {
      const cfg = await configuration();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const pending: PendingLogin = { verifier, nonce, returnTo };
      await redis.set(
        stateKey(state),
        JSON.stringify(pending),
        'PX',
        config.auth.oidcLoginTimeoutMs,
      );
      const url = client.buildAuthorizationUrl(cfg, {
        redirect_uri: settings.redirectUri,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state };
    },

    /** Validates the callback completely or throws; nothing is created before this returns. */
    async complete(
      callbackUrl: URL,
      stateCookie: string | undefined,
    ): Promise<CompletedLogin & { returnTo: string }> {
      const state = callbackUrl.searchParams.get('state');
      if (!state || !stateCookie || state !== stateCookie) {
        throw new SsoError(
          'invalid_state',
          'the login state does not match this browser; start again',
        );
      }
      const raw = await redis.getdel(stateKey(state));
      if (raw === null) {
        throw new SsoError(
          'invalid_state',
          'this login has expired or was already used; start again',
        );
      }
      const pending = JSON.parse(raw) as PendingLogin;
      const cfg = await configuration();
      let tokens;
      try {
        tokens = await client.authorizationCodeGrant(cfg, callbackUrl, {
          pkceCodeVerifier: pending.verifier,
          expectedState: state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw new SsoError(
          'sso_failed',
          `the identity provider's answer was refused: ${describe(error)}`,
        );
      }
      const claims = tokens.claims();
      if (!claims || !tokens.id_token)
        throw new SsoError('sso_failed', 'no ID token in the answer');
      let userinfo: client.UserInfoResponse | undefined;
      if (
        claims.email === undefined &&
        tokens.access_token &&
        cfg.serverMetadata().userinfo_endpoint
      ) {
        userinfo = await client.fetchUserInfo(cfg, tokens.access_token, claims.sub);
      }
      return {
        issuer: settings.issuer,
        claims,
        userinfo,
        idToken: tokens.id_token,
        returnTo: pending.returnTo,
      };
    },

    async endSessionUrl(
      idToken: string | null,
      postLogoutRedirectUri: string,
    ): Promise<string | null> {
      const cfg = await configuration().catch(() => undefined);
      if (!cfg?.serverMetadata().end_session_endpoint) return null;
      return client
        .buildEndSessionUrl(cfg, {
          ...(idToken ? { id_token_hint: idToken } : {}),
          post_logout_redirect_uri: postLogoutRedirectUri,
          client_id: settings.clientId,
        })
        .toString();
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
