/**
 * Countries as documents write them. Pure.
 *
 * iDenfy sends ISO 3166-1 alpha-2 (`DE`), a machine-readable zone prints ICAO 9303 codes (alpha-3, and
 * a few that are not ISO: Germany is `D`), and a document's own label may be either. One country must
 * be one code wherever it is compared (the document binding, SAME_DOCUMENT_TWICE, NATIONALITY_MISMATCH),
 * or `DE` and `DEU` would be two documents. The ISO table is the `i18n-iso-countries` package's code
 * list (its JSON alone: the package's entry point loads every language's country names, 700 KiB).
 */
import ISO_CODES from 'i18n-iso-countries/codes.json';

/** ISO 3166-1 alpha-3 → alpha-2, and the alpha-2 codes. */
const ALPHA3_TO_ALPHA2 = new Map(ISO_CODES.map(([alpha2, alpha3]) => [alpha3 as string, alpha2 as string]));
const ALPHA2 = new Set(ALPHA3_TO_ALPHA2.values());

/**
 * ICAO Doc 9303 Part 3 §5 codes that are not ISO 3166-1 and stand for an ISO country: Germany's `D`,
 * and the United Kingdom's nationality-status codes (the passports are issued by GBR). Kosovo's
 * passports print `RKS` (ISO has no code; the package's user-assigned `XK`). Other ICAO codes
 * (`UNO`, `UNA`, `UNK`, `XXA`…`XXX`, `EUE`) name organisations or statuses, and stay as they are.
 */
const ICAO_ONLY: Readonly<Record<string, string>> = {
  D: 'DE',
  GBD: 'GB',
  GBN: 'GB',
  GBO: 'GB',
  GBP: 'GB',
  GBS: 'GB',
  RKS: 'XK',
};

/** ICAO 9303 Part 3 codes for organisations and statuses: real issuers, no ISO country. */
const ICAO_ORGANISATIONS = new Set([
  'EUE',
  'UNA',
  'UNK',
  'UNO',
  'XBA',
  'XIM',
  'XCC',
  'XCE',
  'XCO',
  'XEC',
  'XPO',
  'XES',
  'XMP',
  'XOM',
  'XDC',
  'XXA',
  'XXB',
  'XXC',
  'XXX',
]);

/**
 * A country in one normal form: ISO alpha-2 where the country has one (`DE`, `DEU` and `D` are all
 * `DE`), the ICAO code otherwise (`XXA`); null for what is no country code at all (`Germany`, ``).
 */
export function countryCode(raw: string | null | undefined): string | null {
  const code = raw?.normalize('NFKC').trim().toUpperCase() ?? '';
  if (!/^[A-Z]{1,3}$/.test(code)) return null;
  if (ICAO_ONLY[code]) return ICAO_ONLY[code];
  if (code.length === 2) return ALPHA2.has(code) ? code : null;
  if (code.length === 3) return ALPHA3_TO_ALPHA2.get(code) ?? (ICAO_ORGANISATIONS.has(code) ? code : null);
  return null;
}

/**
 * Countries whose documents write names transliterated from Cyrillic (docs/decisions.md "Where a name
 * comes from", with sources): those whose official script is Cyrillic today, and those of the former
 * Soviet Union whose names were written from Russian on documents still in use.
 */
export const CYRILLIC_ORIGIN = new Set([
  // Cyrillic is (one of) the official script(s) today.
  'RU',
  'UA',
  'BY',
  'BG',
  'RS',
  'MK',
  'ME',
  'BA',
  'KZ',
  'KG',
  'TJ',
  'MN',
  // Former Soviet states: Soviet-era and early documents wrote names from their Russian form.
  'UZ',
  'TM',
  'AZ',
  'MD',
  'AM',
  'GE',
]);

export function isCyrillicOriginCountry(raw: string | null | undefined): boolean {
  const code = countryCode(raw);
  return code !== null && CYRILLIC_ORIGIN.has(code);
}
