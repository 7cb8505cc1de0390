/**
 * A recording, fault-injecting HTTP proxy in front of the emulator: the server under test is pointed
 * at it, so tests can read exactly what the server sent to AWS (e.g. AssumeRole parameters) and make
 * AWS slow, throttled or unreachable on demand.
 * @module
 */

/** One request the proxy forwarded (or refused). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The query string ("" or "?…"): S3 subresources such as `?list-type=2`. */
  readonly search: string;
  /** AWS operation: the form `Action` (query protocol) or the X-Amz-Target suffix (JSON protocol). */
  readonly action: string | undefined;
  /** Form parameters of a query-protocol request. */
  readonly params: URLSearchParams;
  readonly at: number;
  /** HTTP status of the answer, once it is known (an injected error's or the emulator's). */
  status?: number;
  /**
   * Access key id that signed the request (SigV4 `Credential=` of the Authorization header, or the
   * `X-Amz-Credential` of a presigned URL): AWS attributes the call to it.
   */
  readonly accessKeyId: string | undefined;
  /** The User-Agent header (CloudTrail records it as `userAgent`). */
  readonly userAgent: string | undefined;
  /** The answer: status, AWS request id, body of query-protocol and error answers, error code. */
  response?: { status: number; requestId: string | undefined; body?: string; errorCode?: string };
}

/** Behaviour for requests matching an action (or all). */
export interface Fault {
  /** Only requests of this action; undefined = every request. */
  action?: string;
  /** Added latency in milliseconds before forwarding. */
  delayMs?: number;
  /** Answer with this AWS error instead of forwarding (e.g. { status: 400, code: "Throttling" }). */
  error?: { status: number; code: string };
  /** Close the connection without an answer (dependency down). */
  drop?: boolean;
}

/** A running proxy. */
export interface AwsProxy extends AsyncDisposable {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Requests of one action. */
  of(action: string): RecordedRequest[];
  /** Replaces the active faults. */
  setFaults(faults: Fault[]): void;
  stop(): Promise<void>;
}

function actionOf(req: Request, bodyText: string): { action?: string; params: URLSearchParams } {
  const target = req.headers.get("x-amz-target");
  if (target) return { action: target.split(".").pop(), params: new URLSearchParams() };
  if ((req.headers.get("content-type") ?? "").includes("x-www-form-urlencoded")) {
    const params = new URLSearchParams(bodyText);
    return { action: params.get("Action") ?? undefined, params };
  }
  return { params: new URLSearchParams() };
}

/** Starts a proxy to `upstream` (the emulator endpoint) on an ephemeral loopback port. */
export function startAwsProxy(upstream: string): AwsProxy {
  const requests: RecordedRequest[] = [];
  let faults: Fault[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = req.method === "GET" || req.method === "HEAD"
      ? undefined
      : new Uint8Array(await req.arrayBuffer());
    const text = body ? new TextDecoder().decode(body) : "";
    const { action, params } = actionOf(req, text);
    const recorded: RecordedRequest = {
      method: req.method,
      path: url.pathname,
      search: url.search,
      action,
      params,
      at: Date.now(),
      accessKeyId: /Credential=([A-Z0-9]+)\//.exec(req.headers.get("authorization") ?? "")?.[1] ??
        url.searchParams.get("X-Amz-Credential")?.split("/")[0],
      userAgent: req.headers.get("user-agent") ?? undefined,
    };
    requests.push(recorded);
    const fault = faults.find((f) => f.action === undefined || f.action === action);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop) throw new Error("dependency down (injected)");
    if (fault?.error) {
      recorded.status = fault.error.status;
      recorded.response = {
        status: fault.error.status,
        requestId: "proxy",
        errorCode: fault.error.code,
      };
      const xml =
        `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.error.code}</Code><Message>injected</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`;
      return new Response(xml, {
        status: fault.error.status,
        headers: { "content-type": "text/xml" },
      });
    }
    const headers = new Headers(req.headers);
    headers.delete("host");
    const upstreamResponse = await fetch(`${upstream}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      body,
      redirect: "manual",
    });
    recorded.status = upstreamResponse.status;
    const requestId = upstreamResponse.headers.get("x-amz-request-id") ??
      upstreamResponse.headers.get("x-amzn-requestid") ?? undefined;
    // Query-protocol answers (STS, IAM) and errors are small XML documents: keep them for the tests.
    const answer = params.has("Action") || upstreamResponse.status >= 400
      ? await upstreamResponse.text()
      : upstreamResponse.body;
    recorded.response = {
      status: upstreamResponse.status,
      requestId,
      ...(typeof answer === "string" ? { body: answer } : {}),
    };
    return new Response(answer, {
      status: upstreamResponse.status,
      headers: upstreamResponse.headers,
    });
  });
  const stop = async () => {
    await server.shutdown();
  };
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    requests,
    of: (action) => requests.filter((r) => r.action === action),
    setFaults: (f) => {
      faults = f;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
