import type { z } from 'zod';
import type { roundFileSchema } from './round.ts';

/**
 * The rounds shipped with the platform, as round files (the same shape `pathways rounds add`
 * takes). Each figure names its source and where in it; nothing is stated that a cited source
 * does not state. "R n" is a recital, "P n" a point of Recommendation (EU) 2020/1364.
 */
type RoundInput = z.input<typeof roundFileSchema>;

const REC_2020 = {
  id: 'rec-2020-1364',
  citation:
    'Commission Recommendation (EU) 2020/1364 of 23 September 2020 on legal pathways to protection in the EU: ' +
    'promoting resettlement, humanitarian admission and other complementary pathways (OJ L 317, 1.10.2020, p. 13)',
  url: 'https://eur-lex.europa.eu/eli/reco/2020/1364/oj',
};

export const SHIPPED_ROUNDS: RoundInput[] = [
  {
    id: '2015-2017',
    title: 'First EU resettlement scheme (2015–2017)',
    legal_basis:
      'Commission Recommendation (EU) 2015/914; Conclusions of the Representatives of the Governments of the Member States of 20 July 2015',
    start: '2015-07-20',
    // R 8: "a period of two years (2015-2017)", counted from the conclusions of 20 July 2015.
    end: '2017-07-19',
    pathways: ['resettlement'],
    // R 8: the Member States and the associated Dublin states took part.
    participants: [
      'BE',
      'BG',
      'CZ',
      'DK',
      'DE',
      'EE',
      'IE',
      'EL',
      'ES',
      'FR',
      'HR',
      'IT',
      'CY',
      'LV',
      'LT',
      'LU',
      'HU',
      'MT',
      'NL',
      'AT',
      'PL',
      'PT',
      'RO',
      'SI',
      'SK',
      'FI',
      'SE',
      'UK',
      'IS',
      'LI',
      'NO',
      'CH',
    ],
    priorities: [
      {
        id: 'middle-east-horn-north-africa',
        label: { en: 'The Middle East, the Horn of Africa and North Africa', nl: 'Het Midden-Oosten, de Hoorn van Afrika en Noord-Afrika' },
        source: 'rec-2020-1364',
        locator: 'R 8',
      },
    ],
    sources: [
      REC_2020,
      {
        id: 'rec-2015-914',
        citation: 'Commission Recommendation (EU) 2015/914 of 8 June 2015 on a European resettlement scheme (OJ L 148, 13.6.2015, p. 32)',
      },
    ],
    document_figures: [
      { figure: 'pledged_total', value: 22504, source: 'rec-2020-1364', locator: 'R 8' },
      { figure: 'arrived_total', value: 19452, source: 'rec-2020-1364', locator: 'R 8' },
      { figure: 'delivered_share', value: 0.86, source: 'rec-2020-1364', locator: 'R 8', note: '86 % of the pledged total' },
    ],
  },
  {
    id: '2018-2019',
    title: 'Second EU resettlement scheme (2018–2019)',
    legal_basis: 'Commission Recommendation (EU) 2017/1803',
    start: '2017-10-03',
    end: '2019-10-31',
    previous: '2015-2017',
    pathways: ['resettlement'],
    priorities: [
      { id: 'turkey', label: { en: 'Turkey', nl: 'Turkije' }, countries: ['TUR'], source: 'rec-2020-1364', locator: 'R 9' },
      {
        id: 'lebanon-jordan',
        label: { en: 'Lebanon and Jordan', nl: 'Libanon en Jordanië' },
        countries: ['LBN', 'JOR'],
        source: 'rec-2020-1364',
        locator: 'R 9',
      },
      {
        id: 'central-mediterranean',
        label: {
          en: 'Countries along the central Mediterranean route, including the Emergency Transit Mechanisms in Niger and Rwanda',
          nl: 'Landen langs de route door het centrale Middellandse Zeegebied, met de noodtransitmechanismen in Niger en Rwanda',
        },
        countries: ['NER', 'RWA'],
        source: 'rec-2020-1364',
        locator: 'R 9',
      },
    ],
    sources: [
      REC_2020,
      // Its point 2 sets the period: the places are to be delivered by 31 October 2019.
      {
        id: 'rec-2017-1803',
        citation:
          'Commission Recommendation (EU) 2017/1803 of 3 October 2017 on enhancing legal pathways for persons in need of international protection (OJ L 259, 7.10.2017, p. 21)',
      },
    ],
    document_figures: [
      { figure: 'pledged_total', value: 50039, source: 'rec-2020-1364', locator: 'R 9' },
      { figure: 'arrived_total', value: 43827, source: 'rec-2020-1364', locator: 'R 9' },
      { figure: 'delivered_share', value: 0.88, source: 'rec-2020-1364', locator: 'R 9', note: '88 % of the pledged total' },
    ],
  },
  {
    id: '2020-2021',
    title: '2020 pledging round, extended to 2020–2021',
    legal_basis: 'Commission Recommendation (EU) 2020/1364',
    // P 2: "gedurende een periode van twee jaar (1 januari 2020 tot en met 31 december 2021)"; R 20: extended from one year to two.
    start: '2020-01-01',
    end: '2021-12-31',
    target: { value: 29500, qualifier: 'at_least', source: 'rec-2020-1364', locator: 'P 2' },
    budget: { value: 300000000, qualifier: 'about', currency: 'EUR', source: 'rec-2020-1364', locator: 'R 16' },
    previous: '2018-2019',
    pathways: ['resettlement'],
    priorities: [
      {
        id: 'turkey',
        label: {
          en: 'Turkey: Syrians and other third-country nationals and stateless persons displaced by the Syrian conflict (EU-Turkey Statement of March 2016), including the Voluntary Humanitarian Admission Scheme once its conditions are met',
          nl: 'Turkije: Syriërs en andere onderdanen van derde landen en staatloze personen die door het Syrische conflict ontheemd zijn geraakt (verklaring EU-Turkije van maart 2016), met de vrijwillige regeling voor toelating op humanitaire gronden zodra aan de randvoorwaarden is voldaan',
        },
        countries: ['TUR'],
        source: 'rec-2020-1364',
        locator: 'P 5(a)',
      },
      {
        id: 'lebanon-jordan',
        label: { en: 'Lebanon and Jordan', nl: 'Libanon en Jordanië' },
        countries: ['LBN', 'JOR'],
        source: 'rec-2020-1364',
        locator: 'P 5(b)',
      },
      {
        id: 'central-mediterranean',
        label: {
          en: 'The central Mediterranean route: Libya, Niger, Chad, Egypt, Ethiopia and Sudan',
          nl: 'De route door het centrale Middellandse Zeegebied: Libië, Niger, Tsjaad, Egypte, Ethiopië en Sudan',
        },
        countries: ['LBY', 'NER', 'TCD', 'EGY', 'ETH', 'SDN'],
        source: 'rec-2020-1364',
        locator: 'P 5(c)',
      },
      {
        id: 'emergency-transit',
        label: {
          en: "UNHCR's Emergency Transit Mechanisms in Niger and Rwanda",
          nl: 'De noodtransitmechanismen van de UNHCR in Niger en Rwanda',
        },
        countries: ['NER', 'RWA'],
        source: 'rec-2020-1364',
        locator: 'P 5(c), R 15',
      },
      {
        id: 'emergency',
        label: { en: 'Emergency resettlement places', nl: 'Plaatsen voor hervestiging in noodsituaties' },
        source: 'rec-2020-1364',
        locator: 'R 15',
      },
    ],
    incentives: [
      {
        id: 'priority-or-vulnerable',
        label: {
          en: 'Per person resettled from a priority region or belonging to a particularly vulnerable group',
          nl: 'Per hervestigde persoon uit een prioritaire regio of een bijzonder kwetsbare groep',
        },
        amount: 10000,
        pathway: 'resettlement',
        requires: ['priority_region', 'vulnerable_group'],
        vulnerable_groups: [
          'women_children_at_risk',
          'unaccompanied_minor',
          'medical_needs',
          'legal_physical_protection',
          'emergency_resettlement',
        ],
        note: "R 16 does not list the particularly vulnerable groups: read as those of the AMIF 2014-2020 lump sums (Regulation (EU) No 516/2014, art. 17 and Annex III): women and children at risk; unaccompanied minors; persons with medical needs that can be addressed only through resettlement; persons in need of emergency or urgent resettlement for legal or physical protection needs, including victims of violence or torture. The priority regions are the round's priorities (P 5).",
        source: 'rec-2020-1364',
        locator: 'R 16',
      },
      {
        id: 'other',
        label: { en: 'Per other person resettled', nl: 'Per overige hervestigde persoon' },
        amount: 6000,
        pathway: 'resettlement',
        source: 'rec-2020-1364',
        locator: 'R 16',
      },
    ],
    sources: [REC_2020],
    document_figures: [
      { figure: 'pledged_total', value: 29487, source: 'rec-2020-1364', locator: 'Annex (TOTAAL)', note: 'The total printed in the Annex' },
      {
        figure: 'pledged_total',
        value: 29500,
        qualifier: 'fewer_than',
        source: 'rec-2020-1364',
        locator: 'R 13',
        note: '"iets minder dan 29 500 plaatsen"',
      },
      { figure: 'target', value: 29500, qualifier: 'at_least', source: 'rec-2020-1364', locator: 'P 2' },
      {
        figure: 'arrived_total',
        value: 3600,
        qualifier: 'more_than',
        as_of: '2020-03-31',
        source: 'rec-2020-1364',
        locator: 'R 17',
        note: 'Arrivals in January–March 2020',
      },
    ],
  },
  {
    id: '2026-2027',
    title: 'Union Resettlement and Humanitarian Admission Plan 2026–2027',
    legal_basis: 'Regulation (EU) 2024/1350 (Union Resettlement and Humanitarian Admission Framework)',
    start: '2026-01-01',
    end: '2027-12-31',
    pathways: ['resettlement', 'humanitarian_admission', 'emergency_admission'],
    incentives: [
      {
        id: 'resettled',
        label: { en: 'Per person admitted through resettlement', nl: 'Per via hervestiging toegelaten persoon' },
        amount: 10000,
        pathway: 'resettlement',
        source: 'reg-2021-1147',
        locator: 'art. 19(1)',
      },
      {
        id: 'humanitarian',
        label: {
          en: 'Per person admitted through humanitarian admission',
          nl: 'Per via toelating op humanitaire gronden toegelaten persoon',
        },
        amount: 6000,
        pathway: 'humanitarian_admission',
        source: 'reg-2021-1147',
        locator: 'art. 19(2)',
      },
      {
        id: 'vulnerable',
        label: {
          en: 'Per person admitted through humanitarian admission who belongs to a vulnerable group listed in the article',
          nl: 'Per via toelating op humanitaire gronden toegelaten persoon uit een in het artikel genoemde kwetsbare groep',
        },
        amount: 8000,
        pathway: 'humanitarian_admission',
        requires: ['vulnerable_group'],
        vulnerable_groups: ['women_children_at_risk', 'unaccompanied_minor', 'medical_needs', 'legal_physical_protection'],
        note: 'Art. 19(3) raises the amount of art. 19(2) for (a) women and children at risk; (b) unaccompanied minors; (c) persons having medical needs that can be addressed only through humanitarian admission; (d) persons in need of humanitarian admission for legal or physical protection needs, including victims of violence or torture. A person resettled stays at art. 19(1). No rate is given for emergency admission as such.',
        source: 'reg-2021-1147',
        locator: 'art. 19(3)',
      },
    ],
    sources: [
      {
        id: 'reg-2024-1350',
        citation:
          'Regulation (EU) 2024/1350 of the European Parliament and of the Council of 14 May 2024 establishing a Union Resettlement and Humanitarian Admission Framework (OJ L, 2024/1350, 22.5.2024)',
      },
      {
        id: 'reg-2021-1147',
        citation:
          'Regulation (EU) 2021/1147 of the European Parliament and of the Council of 7 July 2021 establishing the Asylum, Migration and Integration Fund, art. 19(1) to (3), as replaced by Regulation (EU) 2024/1350, art. 14(2)',
      },
    ],
  },
];
