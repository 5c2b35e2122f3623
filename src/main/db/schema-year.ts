// Typed schema, the school year: the year-end rollover and the class history it writes, and charges by student
// (plans, their installments, stops and fares, and who is on them).

export interface RolloverTable {
  id: string;
  from_year_id: string;
  to_year_id: string;
  at: string;
  requested_by: string;
  approved_by: string;
  desk_code: string;
  summary_json: string;
}

export type PromotionOutcome = 'promoted' | 'detained' | 'left' | 'graduated';

export interface PromotionTable {
  rollover_id: string;
  student_id: string;
  from_class_id: string;
  from_section_id: string | null;
  to_class_id: string;
  to_section_id: string | null;
  outcome: PromotionOutcome;
  reason: string | null;
}

export type ChargeKind = 'transport' | 'hostel' | 'activity' | 'other';

export interface ChargePlanTable {
  id: string;
  academic_year_id: string;
  head_id: string;
  name: string;
  kind: ChargeKind;
  created_at: string;
}

export interface ChargeInstallmentTable {
  id: string;
  plan_id: string;
  seq: number;
  label: string;
  due_on: string;
}

export interface ChargeStopTable {
  id: string;
  plan_id: string;
  route: string;
  name: string;
}

export interface ChargeRateTable {
  installment_id: string;
  stop_id: string | null;
  amount: number;
}

export interface StudentChargeTable {
  id: string;
  student_id: string;
  plan_id: string;
  stop_id: string | null;
  starts_on: string;
  stops_on: string | null;
  stop_reason: string | null;
  created_at: string;
  by_user: string;
}
