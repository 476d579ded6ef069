/**
 * `@actions/http-client` as the bundles see it: tsconfig.json maps the name here
 * ("paths", which ncc's resolver applies to every import, @actions/core's included).
 *
 * Why: @actions/core imports the HTTP client at start (lib/oidc-utils.js) only for
 * `getIDToken`, which this action never calls, and the client pulls in undici: more
 * than half of the main bundle (~60 ms of every start) and nearly all of the post
 * bundle. @actions/core's `exports` allow no submodule imports and ncc has no alias
 * option, so this keeps @actions/core itself, unchanged, and gives its one use of the
 * client a stand-in without side effects: webpack then drops the unused OIDC code and
 * the client with it. Were `getIDToken` ever called, the real client would load on the
 * first request, as a chunk of its own (__tests__/unit/bundle.test.ts checks both).
 * Only the bundles see this: jest and @github/local-action run the sources against the
 * real package. Only @actions/core imports the client (since @actions/github went).
 */
import type * as Real from '../../node_modules/@actions/http-client/lib/index.js';
import type { RequestHandler, RequestOptions, TypedResponse } from '../../node_modules/@actions/http-client/lib/interfaces.js';

const load = () => import('../../node_modules/@actions/http-client/lib/index.js');

/** The part of HttpClient that @actions/core uses (OidcClient: a constructor and getJson). */
export class HttpClient {
  private readonly args: [string | undefined, RequestHandler[] | undefined, RequestOptions | undefined];
  constructor(userAgent?: string, handlers?: RequestHandler[], requestOptions?: RequestOptions) {
    this.args = [userAgent, handlers, requestOptions];
  }

  async getJson<T>(requestUrl: string, additionalHeaders?: Parameters<Real.HttpClient['getJson']>[1]): Promise<TypedResponse<T>> {
    const { HttpClient: Client } = await load();
    return new Client(...this.args).getJson<T>(requestUrl, additionalHeaders);
  }
}
