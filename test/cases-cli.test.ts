import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from './cli-run.ts';
import { tempDir, writeFile } from './files.ts';

const dir = tempDir();
const data = join(dir, 'db');

const run = cliRunner(data, 'officer-nl');

describe('cases on the command line', () => {
  it('moves a household from referral to arrival, holds and resumes, and reports the pipeline', async () => {
    const file = writeFile(
      dir,
      'p.csv',
      [
        'case_ref,person_ref,member_state,pathway,round,citizenship,sex,birth_year,country_of_departure,arrived_on',
        'NL-7,1,NL,resettlement,2020-2021,SYR,F,1984,LBN,',
        'NL-7,2,NL,resettlement,2020-2021,SYR,M,2011,LBN,',
        'NL-8,1,NL,resettlement,2020-2021,ERI,F,1999,NER,',
        'NL-9,1,NL,resettlement,,SYR,M,1970,TUR,2020-01-20',
      ].join('\n'),
    );
    expect((await run('persons', 'import', file)).code).toBe(0);
    expect((await run('cases', 'list', '--state', 'Nederland')).out).toMatch(/NL-7\s+referred\s+2\s+LBN\s+normal\s+1/);

    const steps: [string, string[]][] = [
      ['under_review', ['--modality', 'remote', '--on', '2020-02-01']],
      ['accepted', ['--on', '2020-03-01']],
      ['checks', ['--on', '2020-03-05']],
    ];
    for (const [to, extra] of steps) expect((await run('cases', 'advance', 'NL-7', '--to', to, ...extra)).code).toBe(0);
    expect((await run('cases', 'hold', '--all', '--reason', 'COVID-19 suspension', '--on', '2020-03-17')).out).toBe('2 cases put on hold.');
    const refused = await run('cases', 'advance', 'NL-7', '--to', 'pre_departure');
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/Case NL-7 is on hold: resume it/) });
    expect((await run('cases', 'resume', '--departure', 'Libanon', '--on', '2020-06-18')).out).toBe('1 case resumed.');
    for (const [i, to] of ['pre_departure', 'travel_arranged', 'departed'].entries()) {
      const orientation = to === 'pre_departure' ? ['--modality', 'in_person'] : [];
      expect((await run('cases', 'advance', 'NL-7', '--to', to, '--on', `2020-07-0${i + 1}`, ...orientation)).code).toBe(0);
    }
    const arrived = await run('cases', 'advance', 'NL-7', '--to', 'arrived', '--on', '2020-07-04', '--version', '9');
    expect(arrived.out).toBe('Case NL-7: departed → arrived (version 10); 2 persons arrived.');
    expect((await run('cases', 'advance', 'NL-7', '--to', 'post_arrival', '--version', '3')).err).toMatch(
      /Someone changed case NL-7 since you read it/,
    );

    const show = JSON.parse((await run('cases', 'show', 'NL-7', '--format', 'json')).out);
    // The review was remote; the pre-departure orientation in person, kept with its move.
    expect(show).toMatchObject({ status: 'arrived', modality: 'remote', version: 10 });
    expect(show.history.find((h: { toStatus: string }) => h.toStatus === 'pre_departure').details).toEqual({ modality: 'in_person' });
    expect(show.history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'referred',
      'under_review',
      'accepted',
      'checks',
      'on_hold',
      'checks',
      'pre_departure',
      'travel_arranged',
      'departed',
      'arrived',
    ]);

    const sop = JSON.parse((await run('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2021-12-31', '--format', 'json')).out);
    expect(sop.states.find((s: { code: string }) => s.code === 'NL')).toMatchObject({ arrived: 3, byDeparture: { LBN: 2, TUR: 1 } });

    const pipe = JSON.parse((await run('report', 'pipeline', '--round', '2020-2021', '--format', 'json')).out);
    expect(pipe.states).toEqual([
      expect.objectContaining({ code: 'NL', persons: 4, byGroup: expect.objectContaining({ arrived: 3, on_hold: 1 }) }),
    ]);
    expect((await run('report', 'pipeline', '--round', '2020-2021', '--lang', 'nl')).out).toMatch(
      /NL\s+Nederland\s+0\s+0\s+0\s+3\s+0\s+1\s+0\s+0\s+4/,
    );
  });

  it('says clearly what is wrong', async () => {
    expect((await run('cases', 'list', '--state', 'Narnia')).err).toMatch(/"Narnia" is not a known state/);
    expect((await run('cases', 'show', 'NOPE')).err).toMatch(/There is no case "NOPE"/);
    expect((await run('cases', 'advance', 'NL-8', '--to', 'flying')).err).toMatch(/"flying" is not a stage or an action/);
    expect((await run('cases', 'hold', '--reason', 'x')).err).toMatch(/--state XX, --departure ISO3, or --all/);
  });
});
