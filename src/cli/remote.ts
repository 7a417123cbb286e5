import { readFileSync } from 'node:fs';
import { createApiClient, newIdempotencyKey, type ApiClient } from '../api/client.ts';
import { caseEtag } from '../api/etag.ts';
import type { MoveAnswer } from '../cases/advance-case.ts';
import type { CaseDetail, CaseSummary } from '../cases/case.ts';
import type { BulkResult } from '../cases/hold-cases.ts';
import type { Action, Modality } from '../cases/stage.ts';
import { ErrorCode } from '../errors/app-error.ts';
import type { ForecastReport } from '../evaluation/evaluation.service.ts';
import type { ProcessingTimes } from '../evaluation/processing-times.ts';
import { appError } from '../i18n/problem.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { pledgeJson } from '../pledges/pledge.present.ts';
import type { PledgeListing } from '../pledges/pledge.service.ts';
import type { Lang } from '../reference/country.ts';
import { stateByCode } from '../reference/state.ts';
import type { Round } from '../rounds/round.ts';
import type { StateOfPlay } from '../state-of-play/state-of-play.ts';

/**
 * The command line's `--server URL` mode: the same commands, their data from a running instance
 * through the typed client instead of from the database, handed to the same presenters. The API's
 * schemas are the domain's types, so the JSON it sends is what the services return.
 */

/** The client of `--server` (or PATHWAYS_SERVER), with the token of `--token-file` or PATHWAYS_TOKEN; null for the local mode. */
export function serverClient(opts: {
  server?: string | undefined;
  tokenFile?: string | undefined;
  token?: string | undefined;
  lang: Lang;
}): ApiClient | null {
  if (!opts.server) return null;
  let token = opts.token;
  if (opts.tokenFile) {
    try {
      token = readFileSync(opts.tokenFile, 'utf8').trim();
    } catch (e) {
      throw appError(ErrorCode.NotFound, 'cannotRead', { p1: opts.tokenFile, p2: (e as Error).message });
    }
  }
  if (!token) throw appError(ErrorCode.BadInput, 'serverNeedsToken');
  if (!/^https?:\/\/[^\s/]+/i.test(opts.server)) throw appError(ErrorCode.BadInput, 'serverUrl', { url: opts.server });
  return createApiClient({ baseUrl: opts.server, token, lang: opts.lang });
}

/** The data of a successful answer (a refusal was thrown as an AppError by the client already). */
function data<T>(r: { data?: T }): T {
  return r.data as T;
}

export async function remoteRounds(api: ApiClient): Promise<Round[]> {
  return data(await api.GET('/api/rounds')).rounds as Round[];
}

export async function remoteRound(api: ApiClient, round: string): Promise<Round> {
  return data(await api.GET('/api/rounds/{round}', { params: { path: { round } } })) as Round;
}

export type PledgeJson = ReturnType<typeof pledgeJson>;

/** The Annex-shaped listing as the server sends it, and as the domain's listing for the table and CSV presenters. */
export async function remotePledges(
  api: ApiClient,
  round: string,
  lang: Lang,
): Promise<{ json: PledgeJson; listing: () => Promise<PledgeListing> }> {
  const json = data(await api.GET('/api/rounds/{round}/pledges', { params: { path: { round }, query: { lang } } })) as PledgeJson;
  return {
    json,
    listing: async () => ({
      round: await remoteRound(api, round),
      totals: json.totals,
      states: json.states.map((s) => ({
        state: stateByCode(s.code),
        pledged: s.pledged,
        carryOver: s.carryOver,
        pledges: s.pledges.map((p) => ({ roundId: json.round, stateCode: s.code, ...p })),
      })),
    }),
  };
}

/** A state's cases in the order and number the local list gives (by reference, at most 1000), page by page. */
export async function remoteCases(api: ApiClient, state: string, status: string | undefined, max = 1000): Promise<CaseSummary[]> {
  const out: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = data(
      await api.GET('/api/states/{state}/cases', {
        params: {
          path: { state: state as never },
          query: {
            limit: Math.min(500, max - out.length),
            sort: 'case_ref',
            ...(status ? { status: status as never } : {}),
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    );
    out.push(...(page.cases as CaseSummary[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}

export async function remoteCase(api: ApiClient, state: string, ref: string): Promise<{ detail: CaseDetail; etag: string }> {
  const r = await api.GET('/api/states/{state}/cases/{ref}', { params: { path: { state: state as never, ref } } });
  return { detail: data(r) as CaseDetail, etag: r.response.headers.get('etag') ?? '' };
}

/**
 * A move through the API: the case is read for its ETag (the version the move is made against);
 * `--version` names another version, as the local mode's check does.
 */
export async function remoteAdvance(
  api: ApiClient,
  o: {
    state: string;
    ref: string;
    action: Action;
    reason?: string | undefined;
    modality?: Modality | undefined;
    on?: string | undefined;
    version?: number | undefined;
    members?: string[] | undefined;
  },
): Promise<MoveAnswer> {
  const { detail, etag } = await remoteCase(api, o.state, o.ref);
  const ifMatch = o.version !== undefined ? caseEtag(detail.id, o.version) : etag;
  const r = await api.POST('/api/states/{state}/cases/{ref}/transitions', {
    params: { path: { state: o.state as never, ref: o.ref }, header: { 'Idempotency-Key': newIdempotencyKey(), 'If-Match': ifMatch } },
    body: {
      action: o.action.type === 'advance' ? o.action.to : o.action.type,
      ...(o.on ? { on: o.on } : {}),
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.modality ? { modality: o.modality } : {}),
      ...(o.members ? { members: o.members } : {}),
    },
  });
  return data(r) as MoveAnswer;
}

export async function remoteBulk(
  api: ApiClient,
  action: 'hold' | 'resume',
  o: { state: string; countryOfDeparture?: string | undefined; reason?: string | undefined; on: string },
): Promise<BulkResult> {
  const body = {
    on: o.on,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.countryOfDeparture ? { countryOfDeparture: o.countryOfDeparture } : {}),
  };
  const params = { path: { state: o.state as never }, header: { 'Idempotency-Key': newIdempotencyKey() } };
  const r =
    action === 'hold'
      ? await api.POST('/api/states/{state}/cases/hold', { params, body: { reason: o.reason ?? '', ...body } })
      : await api.POST('/api/states/{state}/cases/resume', { params, body });
  return data(r) as BulkResult;
}

export async function remoteStateOfPlay(
  api: ApiClient,
  o: { round: string; asOf?: string | undefined; pathways?: string[] | undefined; lang: Lang },
): Promise<StateOfPlay> {
  const query = { lang: o.lang, ...(o.asOf ? { asOf: o.asOf } : {}), ...(o.pathways?.length ? { pathway: o.pathways as never } : {}) };
  return data(await api.GET('/api/rounds/{round}/state-of-play', { params: { path: { round: o.round }, query } })) as StateOfPlay;
}

export async function remotePipeline(api: ApiClient, round: string): Promise<Pipeline> {
  return data(await api.GET('/api/rounds/{round}/pipeline', { params: { path: { round } } })) as Pipeline;
}

export async function remoteProcessingTimes(
  api: ApiClient,
  o: { round: string; by: string; asOf?: string | undefined },
): Promise<ProcessingTimes[]> {
  const query = { by: o.by, ...(o.asOf ? { asOf: o.asOf } : {}) };
  return data(await api.GET('/api/rounds/{round}/processing-times', { params: { path: { round: o.round }, query } })) as ProcessingTimes[];
}

export async function remoteForecast(
  api: ApiClient,
  o: { round: string; asOf?: string | undefined; iterations: number; seed: number },
): Promise<ForecastReport> {
  const query = { iterations: o.iterations, seed: o.seed, ...(o.asOf ? { asOf: o.asOf } : {}) };
  return data(await api.GET('/api/rounds/{round}/forecast', { params: { path: { round: o.round }, query } })) as ForecastReport;
}
