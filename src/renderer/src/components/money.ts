// Money on screen: the school's currency and locale, formatted from integer minor units.
import type { SessionInfo } from '../../../shared/contract/auth';
import { formatMoney, parseMoney } from '../../../shared/domain/money';

export interface MoneyFormat {
  format(minor: number): string;
  parse(text: string): number | null;
}

export function moneyFor(school: SessionInfo['school']): MoneyFormat {
  return {
    format: (minor) => formatMoney(minor, school.currency, school.locale),
    parse: (text) => parseMoney(text, school.currency, school.locale),
  };
}
