// Every channel, driven with malformed input: a specific message naming the field, and nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, type ChannelName, contract } from '../../src/shared/contract';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';

const NO_INPUT = { message: 'this channel takes no input' };
const ID = '00000000-0000-4000-8000-0000000000aa';

/** At least one invalid payload per channel, and what the refusal must say. */
const invalid: Record<ChannelName, { input: unknown; field?: string; message: string | RegExp }[]> = {
  'store.status': [{ input: { x: 1 }, ...NO_INPUT }],
  'store.unlock': [
    { input: {}, field: 'passphrase', message: 'passphrase is required' },
    { input: { passphrase: 42 }, field: 'passphrase', message: 'passphrase must be text' },
  ],
  'store.createPassphrase': [{ input: { passphrase: 'short' }, field: 'passphrase', message: /at least 12/ }],
  'store.rekey': [
    { input: {}, field: 'reauth', message: /reauth/ },
    { input: { reauth: { password: 'x' }, newPassphrase: 'short' }, field: 'newPassphrase', message: /at least 12/ },
  ],
  'setup.status': [{ input: 'hello', ...NO_INPUT }],
  'setup.initialize': [
    { input: null, message: /^input / },
    { input: setupInput({ currency: 'RUPEES' }), field: 'currency', message: /three-letter ISO 4217/ },
    { input: setupInput({ currency: 'ABC' }), field: 'currency', message: 'currency is not a known ISO 4217 currency' },
    { input: setupInput({ locale: 'not a locale!' }), field: 'locale', message: /not a valid locale/ },
    { input: setupInput({ deskCode: 'desk one' }), field: 'deskCode', message: /capital letters/ },
    {
      input: setupInput({ admin: { username: 'ok-name', fullName: 'A', password: 'short' } }),
      field: 'admin.password',
      message: /at least 10/,
    },
    {
      input: setupInput({ admin: { username: 'a', fullName: 'A', password: 'long-enough-pass' } }),
      field: 'admin.username',
      message: /at least 3/,
    },
    { input: { ...setupInput({}), extra: true }, field: 'extra', message: 'extra is not a field this channel takes' },
  ],
  'auth.login': [
    { input: { username: 'principal' }, field: 'password', message: 'password is required' },
    { input: { username: 'bad name!', password: 'x' }, field: 'username', message: /only letters/ },
  ],
  'auth.logout': [{ input: {}, ...NO_INPUT }],
  'auth.session': [{ input: [], ...NO_INPUT }],
  'auth.lock': [{ input: 1, ...NO_INPUT }],
  'auth.unlock': [{ input: { password: '' }, field: 'password', message: 'password is required' }],
  'auth.changePassword': [{ input: { currentPassword: 'x', newPassword: 'short' }, field: 'newPassword', message: /at least 10/ }],
  'users.list': [{ input: { all: true }, ...NO_INPUT }],
  'users.create': [
    {
      input: { username: 'new.user', fullName: 'N', role: 'principal', password: 'long-enough-pass' },
      field: 'role',
      message: /one of admin, accountant, cashier/,
    },
    {
      input: { username: 'new.user', fullName: '   ', role: 'cashier', password: 'long-enough-pass' },
      field: 'fullName',
      message: 'fullName is required',
    },
  ],
  'users.resetPassword': [{ input: { userId: 'not-a-uuid', newPassword: 'long-enough-pass' }, field: 'userId', message: /UUID/ }],
  'users.deactivate': [{ input: { userId: 7 }, field: 'userId', message: /UUID/ }],
  'users.reactivate': [{ input: {}, field: 'userId', message: 'userId is required' }],
  'settings.get': [{ input: { idleLockMinutes: 5 }, ...NO_INPUT }],
  'settings.update': [
    { input: { verifyBaseUrl: 'ftp://x.example/' }, field: 'verifyBaseUrl', message: /http\(s\) URL/ },
    { input: { verifyBaseUrl: `https://${'x'.repeat(60)}.example/` }, field: 'verifyBaseUrl', message: /at most 60 characters/ },
    { input: { idleLockMinutes: 0 }, field: 'idleLockMinutes', message: /at least 1 minute/ },
    { input: { idleLockMinutes: 2.5 }, field: 'idleLockMinutes', message: 'idleLockMinutes must be a whole number of minutes' },
    { input: { idleLockMinutes: '5' }, field: 'idleLockMinutes', message: 'idleLockMinutes must be a number of minutes' },
    { input: { upiId: 'greenvalley.sbi' }, field: 'upiId', message: 'upiId is not a UPI ID: it has no @ (such as school@sbi)' },
    { input: { upiId: 'fees@green@sbi' }, field: 'upiId', message: /more than one @/ },
    { input: { upiId: 'fees@1sbi' }, field: 'upiId', message: /after the @ comes the bank's or app's handle/ },
    { input: { upiPayeeName: 'Green Valley School 🏫' }, field: 'upiPayeeName', message: /characters UPI apps refuse/ },
    { input: { upiPayeeName: 'G'.repeat(51) }, field: 'upiPayeeName', message: /at most 50 characters/ },
    { input: { upiMerchantCode: '821' }, field: 'upiMerchantCode', message: /4 digits \(8211 for schools\)/ },
    {
      input: { bankAccounts: [{ number: '12-34', label: 'Fees', layout: 'sbi' }] },
      field: 'bankAccounts.0.number',
      message: /6 to 20 digits/,
    },
    {
      input: { bankAccounts: [{ number: '12345678', label: 'Fees', layout: 'canara' }] },
      field: 'bankAccounts.0.layout',
      message: /or other/,
    },
    {
      input: {
        bankAccounts: [
          { number: '12345678', label: 'Fees', layout: 'sbi' },
          { number: '1234 5678', label: 'Fees 2', layout: 'sbi' },
        ],
      },
      field: 'bankAccounts',
      message: /account twice/,
    },
  ],
  'settings.setLogo': [{ input: { imageBase64: 'not base64!' }, field: 'imageBase64', message: /PNG or JPEG image in base64/ }],
  'audit.verify': [{ input: { all: true }, ...NO_INPUT }],
  'auth.totpStatus': [{ input: { userId: 'x' }, ...NO_INPUT }],
  'auth.totpBegin': [{ input: { secret: 'AAAA' }, ...NO_INPUT }],
  'auth.totpConfirm': [
    { input: { code: '12345' }, field: 'code', message: /6 digits your authenticator app shows/ },
    { input: { code: 123456 }, field: 'code', message: /must be text/ },
  ],
  'users.resetTotp': [{ input: { userId: 'principal' }, field: 'userId', message: /must be an id/ }],
  'audit.list': [{ input: { limit: 10_000 }, field: 'limit', message: /limit/ }],
  'masters.get': [{ input: { all: 1 }, ...NO_INPUT }],
  'masters.createYear': [
    { input: { name: '2026', startsOn: '2026-04-01', endsOn: '2027-03-31' }, field: 'name', message: /like 2026-27/ },
    { input: { name: '2027-28', startsOn: '2027-02-30', endsOn: '2028-03-31' }, field: 'startsOn', message: /real calendar date/ },
    {
      input: { name: '2027-28', startsOn: '2028-04-01', endsOn: '2027-03-31' },
      field: 'endsOn',
      message: 'endsOn must be after the start date',
    },
  ],
  'masters.setCurrentYear': [{ input: { yearId: 'current' }, field: 'yearId', message: /UUID/ }],
  'masters.createClass': [{ input: { name: '', sortOrder: 1 }, field: 'name', message: 'name is required' }],
  'masters.addSection': [{ input: { classId: ID, name: 'x'.repeat(21) }, field: 'name', message: /at most 20/ }],
  'masters.createCategory': [{ input: { name: 42 }, field: 'name', message: 'name must be text' }],
  'masters.createHead': [{ input: { name: 'Tuition', taxRateBp: 18.5 }, field: 'taxRateBp', message: /whole basis points/ }],
  'students.search': [{ input: { query: 7 }, field: 'query', message: 'query must be text' }],
  'students.list': [{ input: { status: 'expelled' }, field: 'status', message: /active, left or alumni/ }],
  'students.get': [{ input: { studentId: '' }, field: 'studentId', message: /UUID/ }],
  'students.create': [
    { input: studentInput({ phone: 'call me' }), field: 'phone', message: /phone number/ },
    { input: studentInput({ admissionNo: 'A 1' }), field: 'admissionNo', message: /letters, digits/ },
    { input: studentInput({ email: 'not-an-email' }), field: 'email', message: /email/ },
    { input: studentInput({ joinedOn: '01/04/2026' }), field: 'joinedOn', message: /YYYY-MM-DD/ },
  ],
  'students.update': [{ input: { ...studentInput({}), studentId: ID }, field: 'version', message: 'version is required' }],
  'students.leave': [
    { input: { studentId: ID, leftOn: '2026-13-01', reason: 'moved' }, field: 'leftOn', message: /YYYY-MM-DD|real calendar date/ },
  ],
  'students.leavePreview': [{ input: { studentId: ID, leftOn: '30/06/2026' }, field: 'leftOn', message: /YYYY-MM-DD/ }],
  'students.noDuesCertificate': [
    { input: { studentId: ID, target: 'fax' }, field: 'target', message: 'target must be pdf, printer or dialog' },
    { input: { studentId: 'A-104', target: 'pdf' }, field: 'studentId', message: /UUID/ },
  ],
  'families.create': [{ input: { name: 'Rao family', studentIds: [] }, field: 'studentIds', message: /at least one student/ }],
  'families.get': [{ input: { familyId: 5 }, field: 'familyId', message: /UUID/ }],
  'structures.list': [{ input: { yearId: 'this year' }, field: 'yearId', message: /UUID/ }],
  'structures.create': [
    { input: structureInput({ plan: 'weekly' }), field: 'plan', message: /one of monthly/ },
    { input: structureInput({ installments: [] }), field: 'installments', message: /at least one installment/ },
    { input: structureInput({ heads: [{ headId: ID, amount: -100 }] }), field: 'heads.0.amount', message: /more than zero/ },
    { input: structureInput({ fineRule: { kind: 'per_day', graceDays: 5, perDay: 100 } }), field: 'fineRule.cap', message: /required/ },
  ],
  'structures.assign': [{ input: {}, field: 'structureId', message: 'structureId is required' }],
  'concessions.list': [{ input: { status: 'pending' }, field: 'status', message: /./ }],
  'concessions.request': [
    { input: concessionInput({ value: 12_000 }), field: 'value', message: /at most 10000 basis points/ },
    { input: concessionInput({ target: 'student', studentId: null }), field: 'studentId', message: /required for a student concession/ },
  ],
  'concessions.approve': [{ input: { concessionId: ID }, field: 'approver', message: 'approver is required' }],
  'concessions.reject': [
    { input: { concessionId: ID, approver: { username: 'meera', password: 'x' } }, field: 'note', message: 'note is required' },
  ],
  'payments.openDues': [{ input: { studentIds: [] }, field: 'studentIds', message: /at least one student/ }],
  'payments.record': [
    { input: { studentIds: [ID], amount: 0, method: { mode: 'cash' } }, field: 'amount', message: /more than zero/ },
    {
      input: { studentIds: [ID], amount: 100, method: { mode: 'cheque', bank: 'SBI', chequeDate: '2026-04-02' } },
      field: 'method.chequeNo',
      message: 'method.chequeNo is required',
    },
    {
      input: { studentIds: [ID], amount: 100, method: { mode: 'upi' } },
      field: 'method.utr',
      message: 'method.utr is required: the UPI reference (UTR), unless the payer scanned the counter’s UPI QR',
    },
    {
      input: { studentIds: [ID], amount: 100, method: { mode: 'upi', upiRef: 'UTR12345678' } },
      field: 'method.upiRef',
      message: /reference under the UPI QR/,
    },
  ],
  'payments.upiRequest': [
    { input: { studentIds: [], amount: 100 }, field: 'studentIds', message: /at least one student/ },
    { input: { studentIds: [ID], amount: -5 }, field: 'amount', message: /more than zero/ },
  ],
  'payments.receipt': [{ input: { paymentId: 'R-1' }, field: 'paymentId', message: /UUID/ }],
  'receipts.print': [
    { input: { paymentId: ID, target: 'fax' }, field: 'target', message: 'target must be pdf, printer or dialog' },
    { input: { paymentId: ID, target: 'pdf', layout: 'a3' }, field: 'layout', message: /one of thermal80/ },
  ],
  'receipts.printDay': [{ input: { date: '23-11-2026', target: 'pdf' }, field: 'date', message: /YYYY-MM-DD/ }],
  'slips.print': [
    { input: { target: 'pdf' }, field: 'classId', message: 'classId is required unless studentIds are listed' },
    { input: { classId: ID, perPage: 3, target: 'pdf' }, field: 'perPage', message: /1 or 2/ },
  ],
  'printing.printers': [{ input: { all: true }, ...NO_INPUT }],
  'printing.choose': [
    { input: { printerName: 42 }, field: 'printerName', message: 'printerName must be a printer name' },
    { input: { printerName: null, printOnSave: 'yes' }, field: 'printOnSave', message: 'printOnSave must be true or false' },
  ],
  'printing.preferences': [{ input: { all: true }, ...NO_INPUT }],
  'sync.status': [{ input: { now: true }, ...NO_INPUT }],
  'sync.enroll': [
    { input: { serverUrl: 'ftp://sync.school', code: 'ABCD-EFGH-JKLM' }, field: 'serverUrl', message: /sync server address/ },
    { input: { serverUrl: 'https://sync.school', code: 'abc' }, field: 'code', message: /ABCD-EFGH-JKLM/ },
  ],
  'sync.setEnabled': [{ input: { enabled: 'yes' }, field: 'enabled', message: 'enabled must be true or false' }],
  'sync.now': [{ input: { force: 1 }, ...NO_INPUT }],
  'sync.rejected': [{ input: { all: 1 }, ...NO_INPUT }],
  'sync.alerts': [{ input: { all: 1 }, ...NO_INPUT }],
  'reports.run': [
    { input: { report: 'payroll' }, field: 'report', message: /must name a report/ },
    {
      input: { report: 'collection', from: '2026-06-30', to: '2026-06-01', groupBy: ['head'], view: 'gross' },
      field: 'to',
      message: /range is reversed/,
    },
    {
      input: { report: 'collection', from: '2016-01-01', to: '2026-06-01', groupBy: ['head'], view: 'gross' },
      field: 'to',
      message: /at most five years/,
    },
    {
      input: { report: 'collection', from: '2026-06-01', to: '2026-06-30', groupBy: ['head', 'colour'], view: 'gross' },
      field: 'groupBy.1',
      message: /must be one of head, class/,
    },
    {
      input: { report: 'collection', from: '2026-06-01', to: '2026-06-30', groupBy: [], view: 'gross' },
      field: 'groupBy',
      message: /at least one group key/,
    },
    {
      input: { report: 'collection', from: '2026-06-01', to: '2026-06-30', groupBy: ['mode', 'mode'], view: 'gross' },
      field: 'groupBy',
      message: /must not repeat/,
    },
    { input: { report: 'daybook', date: '2026-02-30' }, field: 'date', message: /not a real calendar date/ },
    { input: { report: 'forecast', from: '2026-06-01', period: 'year', periods: 3 }, field: 'period', message: /week or month/ },
    { input: { report: 'defaulters', asOf: '2026-06-01', minBalance: -5 }, field: 'minBalance', message: /must not be negative/ },
    { input: { report: 'structures_list', yearId: '2026-27' }, field: 'yearId', message: /must be an id/ },
    { input: { report: 'dues_list', dueBy: '31/03/2027' }, field: 'dueBy', message: /YYYY-MM-DD/ },
    { input: { report: 'concessions_list', status: 'approved' }, field: 'status', message: /not a field/ },
    { input: { report: 'refunds', from: '2026-06-01', to: '2026-06-30', kind: 'salary' }, field: 'kind', message: /fee, credit, deposit/ },
    { input: { report: 'deposits', asOf: '2026-13-01' }, field: 'asOf', message: /not a real calendar date|YYYY-MM-DD/ },
  ],
  'reports.export': [
    {
      input: { filters: { report: 'daybook', date: '2026-06-01' }, format: 'docx', path: '/tmp/x.docx' },
      field: 'format',
      message: /must be one of xlsx, csv, pdf/,
    },
    {
      input: { filters: { report: 'daybook', date: '2026-06-01' }, format: 'csv', path: 'relative/daybook.csv' },
      field: 'path',
      message: /must be a full path/,
    },
    {
      input: { filters: { report: 'daybook', date: '2026-06-01' }, format: 'csv', path: '/no/such/folder/daybook.csv' },
      field: 'path',
      message: /folder that does not exist/,
    },
    {
      input: { filters: { report: 'daybook', date: '2026-06-01' }, format: 'xlsx', path: '/tmp/daybook.csv' },
      field: 'path',
      message: /must end in .xlsx/,
    },
    {
      input: { filters: { report: 'daybook', date: '2026-06-01' }, format: 'letters', path: '/tmp/letters.pdf' },
      field: 'format',
      message: /defaulters report only/,
    },
    {
      input: { filters: { report: 'daybook', date: '2026-06-01' }, format: 'csv', path: '/tmp/daybook.csv', replace: 1 },
      field: 'replace',
      message: /must be true or false/,
    },
  ],
  'reports.job': [{ input: {}, field: 'jobId', message: /jobId/ }],
  'reports.cancel': [{ input: { jobId: 7 }, field: 'jobId', message: /jobId/ }],
  'reports.exportFolder': [{ input: { x: 1 }, ...NO_INPUT }],
  'reports.dashboard': [{ input: { x: 1 }, ...NO_INPUT }],
  'dayClose.status': [{ input: { date: 'today' }, field: 'date', message: /YYYY-MM-DD/ }],
  'dayClose.close': [
    { input: { date: '2026-06-01', cashCount: { '50000': -2 }, counted: {} }, field: 'cashCount.50000', message: /must not be negative/ },
    {
      input: { date: '2026-06-01', cashCount: { fifty: 2 }, counted: {} },
      field: 'cashCount.fifty',
      message: /denomination in minor units/,
    },
    { input: { date: '2026-06-01', cashCount: {}, counted: { cash: 100 } }, field: 'counted.cash', message: /./ },
    {
      input: { date: '2026-06-01', cashCount: { '700': 1 }, counted: {} },
      field: 'cashCount.700',
      message: /not one of this school’s notes or coins/,
    },
    { input: { date: '2099-01-01', cashCount: {}, counted: {} }, field: 'date', message: /has not happened yet/ },
  ],
  'dayClose.reopen': [{ input: { date: '2026-06-01', reason: 'no' }, field: 'reason', message: /must say why/ }],
  'imports.inspect': [
    { input: { importer: 'payroll', path: '/tmp/x.xlsx' }, field: 'importer', message: /must be one of students/ },
    { input: { importer: 'students', path: 'students.xlsx' }, field: 'path', message: /must be a full path/ },
    { input: { importer: 'students', path: '/no/such/students.xlsx' }, field: 'path', message: /cannot be read \(ENOENT\)/ },
  ],
  'reconcile.headers': [{ input: { path: '/tmp' }, field: 'path', message: /is a folder, not a file/ }],
  'reconcile.dryRun': [
    { input: { path: '/tmp/s.csv', account: '12ab' }, field: 'account', message: /school’s bank accounts/ },
    { input: { path: '/tmp', account: '12345678' }, field: 'path', message: /is a folder, not a file/ },
    {
      input: { path: '/tmp/s.csv', account: '12345678', mapping: { bank: 'Canara Bank', columns: { date: 'Date' } } },
      field: 'mapping.columns',
      message: /date and narration/,
    },
  ],
  'reconcile.confirm': [
    { input: { statementId: 'x', lines: [{ row: 2 }] }, field: 'statementId', message: /statement id/ },
    { input: { statementId: ID, lines: [{ row: 2 }, { row: 2 }] }, field: 'lines', message: /a line twice/ },
    { input: { statementId: ID, lines: [{ row: 2, studentId: 'ADM1' }] }, field: 'lines.0.studentId', message: /UUID/ },
  ],
  'years.rolloverPreview': [
    { input: { fromYearId: 'x' }, field: 'fromYearId', message: /UUID/ },
    {
      input: {
        fromYearId: ID,
        newYear: { name: '2027', startsOn: '2027-04-01', endsOn: '2028-03-31' },
        classes: [{ fromClassId: ID, toClassId: null }],
      },
      field: 'newYear.name',
      message: /2027-28/,
    },
    {
      input: {
        fromYearId: ID,
        newYear: { name: '2027-28', startsOn: '2027-04-01', endsOn: '2028-03-31' },
        classes: [
          { fromClassId: ID, toClassId: null },
          { fromClassId: ID, toClassId: null },
        ],
      },
      field: 'classes.1.fromClassId',
      message: /maps a class a second time/,
    },
    {
      input: {
        fromYearId: ID,
        newYear: { name: '2027-28', startsOn: '2027-04-01', endsOn: '2028-03-31' },
        classes: [{ fromClassId: ID, toClassId: null }],
        exceptions: [{ studentId: ID, outcome: 'expelled', reason: 'x' }],
      },
      field: 'exceptions.0.outcome',
      message: /detained, left or section/,
    },
  ],
  'years.rollover': [
    { input: { plan: {} }, field: 'plan.fromYearId', message: /./ },
    {
      input: {
        plan: {
          fromYearId: ID,
          newYear: { name: '2027-28', startsOn: '2027-04-01', endsOn: '2028-03-31' },
          classes: [{ fromClassId: ID, toClassId: null }],
          fees: { changes: [{ headId: ID, basisPoints: 20000 }] },
        },
        approver: { username: 'admin2', password: 'x' },
      },
      field: 'plan.fees.changes.0.basisPoints',
      message: /more than 100%/,
    },
  ],
  'charges.plans': [{ input: { yearId: 'x' }, field: 'yearId', message: /UUID/ }],
  'charges.createPlan': [
    {
      input: { yearId: ID, headId: ID, name: 'Bus', kind: 'transport', installments: [{ label: 'Apr', dueOn: '2026-04-05' }], stops: [] },
      field: 'stops',
      message: /must list the stops/,
    },
    {
      input: {
        yearId: ID,
        headId: ID,
        name: 'Bus',
        kind: 'transport',
        installments: [
          { label: 'Apr', dueOn: '2026-04-05' },
          { label: 'May', dueOn: '2026-05-05' },
        ],
        stops: [{ route: 'Route 1', name: 'Gate', fares: [100_00] }],
      },
      field: 'stops.0.fares',
      message: /gives 1 fares for 2 installments/,
    },
    {
      input: { yearId: ID, headId: ID, name: 'Hostel', kind: 'hostel', installments: [{ label: 'Term', dueOn: '2026-04-05' }] },
      field: 'fares',
      message: /must give a fare/,
    },
    { input: { yearId: ID, headId: ID, name: 'X', kind: 'canteen', installments: [] }, field: 'kind', message: /transport, hostel/ },
  ],
  'charges.assign': [
    { input: { planId: ID, studentIds: [], startsOn: '2026-10-01' }, field: 'studentIds', message: /at least one student/ },
    {
      input: { planId: ID, studentIds: [ID], startsOn: '2026-10-01', stopsOn: '2026-09-30' },
      field: 'stopsOn',
      message: /must not be before the start/,
    },
  ],
  'charges.stop': [{ input: { assignmentId: ID, stopsOn: '2027-01-31', reason: '' }, field: 'reason', message: /required/ }],
  'charges.forStudent': [{ input: { studentId: 'A-1' }, field: 'studentId', message: /UUID/ }],
  'charges.oneOff': [
    { input: { studentIds: [ID], headId: ID, label: 'Trip', amount: 0, dueOn: '2026-10-01' }, field: 'amount', message: /./ },
  ],
  'refunds.refundable': [{ input: { studentId: 'A-1' }, field: 'studentId', message: /UUID/ }],
  'refunds.record': [
    {
      input: {
        kind: 'fee',
        studentId: ID,
        lines: [],
        method: { mode: 'cash' },
        reason: 'Withdrawn',
        approver: { username: 'meera', password: 'x' },
      },
      field: 'lines',
      message: /at least one fee/,
    },
    {
      input: {
        kind: 'credit',
        studentId: ID,
        amount: 100,
        method: { mode: 'card' },
        reason: 'x',
        approver: { username: 'meera', password: 'x' },
      },
      field: 'method.mode',
      message: /cash, cheque, bank_transfer, upi/,
    },
    {
      input: { kind: 'gift', studentId: ID, amount: 100 },
      field: 'kind',
      message: /fee, credit or deposit/,
    },
    {
      input: {
        kind: 'deposit',
        studentId: ID,
        amount: 100,
        setOff: [
          { dueId: ID, amount: 10 },
          { dueId: ID, amount: 20 },
        ],
        method: { mode: 'cash' },
        reason: 'Leaving',
        approver: { username: 'meera', password: 'x' },
      },
      field: 'setOff',
      message: /names a due twice/,
    },
  ],
  'refunds.voucher': [{ input: { refundId: 'RF-1' }, field: 'refundId', message: /UUID/ }],
  'refunds.list': [{ input: { limit: 0 }, field: 'limit', message: /./ }],
  'refunds.print': [
    { input: { refundId: ID, target: 'fax' }, field: 'target', message: 'target must be pdf, printer or dialog' },
    { input: { refundId: 'RF-1', target: 'pdf' }, field: 'refundId', message: /UUID/ },
  ],
  'imports.dryRun': [
    { input: { importer: 'students', path: '/tmp' }, field: 'path', message: /is a folder, not a file/ },
    { input: { importer: 'students', path: '/tmp/x.xlsx', mapping: { admissionNo: 5 } }, field: 'mapping.admissionNo', message: /./ },
  ],
  'imports.commit': [
    { input: { importer: 'students', path: '/tmp/x.xlsx', sha256: 'abc' }, field: 'sha256', message: /dry run’s file hash/ },
    {
      input: { importer: 'concessions', path: '/tmp/x.xlsx', sha256: 'a'.repeat(64), approver: { username: 'accounts' } },
      field: 'approver.password',
      message: /./,
    },
    {
      input: {
        importer: 'concessions',
        path: '/tmp/x.xlsx',
        sha256: 'a'.repeat(64),
        approver: { username: 'accounts', password: 'x', role: 'admin' },
      },
      field: 'approver.role',
      message: /not a field/,
    },
  ],
  'imports.template': [
    { input: { importer: 'students', path: '/tmp/template.csv' }, field: 'path', message: /must end in .xlsx/ },
    { input: { importer: 'students', path: '/tmp/template.xlsx', replace: 'yes' }, field: 'replace', message: /must be true or false/ },
  ],
  'imports.errorSheet': [{ input: { jobId: 'nope', path: '/tmp/errors.csv' }, field: 'path', message: /must end in .xlsx/ }],
  'backup.status': [{ input: { x: 1 }, ...NO_INPUT }],
  'backup.configure': [
    { input: { folder: 'backups', keep: 7, dailyAt: null }, field: 'folder', message: /must be a full path/ },
    { input: { folder: '/tmp', keep: 0, dailyAt: null }, field: 'keep', message: 'keep must be at least 1' },
    { input: { folder: '/tmp', keep: 7, dailyAt: '25:00' }, field: 'dailyAt', message: /HH:MM/ },
    { input: { folder: '/tmp', keep: 7, dailyAt: null, passphrase: 'short' }, field: 'passphrase', message: /at least 12/ },
    {
      input: { folder: '/tmp/no-such-folder-here', keep: 7, dailyAt: null, passphrase: 'long enough passphrase' },
      field: 'folder',
      message: /does not exist/,
    },
    { input: { folder: '/tmp', keep: 7, dailyAt: null }, field: 'passphrase', message: /required the first time/ },
  ],
  'backup.create': [{ input: { folder: '/tmp' }, ...NO_INPUT }],
  'backup.job': [{ input: {}, field: 'jobId', message: /jobId/ }],
  'backup.cancel': [{ input: { jobId: 7 }, field: 'jobId', message: /jobId/ }],
  'backup.check': [
    { input: { path: 'relative/backup', passphrase: 'x' }, field: 'path', message: /must be a full path/ },
    { input: { path: '/tmp', passphrase: 'x' }, field: 'path', message: /is not a FeeDesk backup/ },
  ],
  'backup.restore': [
    { input: { path: '/tmp', passphrase: 'x' }, field: 'reauth', message: /reauth/ },
    { input: { path: '/tmp', passphrase: '', reauth: { password: 'x' } }, field: 'passphrase', message: 'passphrase is required' },
    {
      input: { path: '/tmp', passphrase: 'x', reauth: { password: 'x' }, replaceSynced: false },
      field: 'replaceSynced',
      message: 'replaceSynced must be true to confirm',
    },
  ],
  'imports.job': [{ input: { jobId: 3 }, field: 'jobId', message: /jobId/ }],
  'imports.cancel': [{ input: {}, field: 'jobId', message: /jobId/ }],
  'imports.chooseFile': [{ input: { x: 1 }, ...NO_INPUT }],
  'imports.receiveFile': [
    { input: { fileName: 'students.pdf', content: 'QQ==' }, field: 'fileName', message: /must be an XLSX or CSV file/ },
    { input: { fileName: '   ', content: 'QQ==' }, field: 'fileName', message: /must be the file’s name/ },
    { input: { fileName: 'students.csv', content: 'not base64!' }, field: 'content', message: /must be the file’s content/ },
  ],
  'cheques.clear': [
    { input: { paymentId: 'x', clearedOn: '2026-06-01' }, field: 'paymentId', message: /UUID/ },
    { input: { paymentId: ID, clearedOn: '1 June' }, field: 'clearedOn', message: /YYYY-MM-DD/ },
  ],
  'slips.resolve': [{ input: { token: '' }, field: 'token', message: 'token is required' }],
  'receipts.verify': [{ input: { code: '   ' }, field: 'code', message: 'code is required' }],
  'payments.list': [{ input: { date: 'today' }, field: 'date', message: /YYYY-MM-DD/ }],
  'payments.cancel': [
    {
      input: { paymentId: ID, reason: '', approver: { username: 'meera', password: 'x' } },
      field: 'reason',
      message: 'reason is required',
    },
  ],
  'payments.bounce': [{ input: { paymentId: ID, bankReason: 'funds', charge: -1 }, field: 'charge', message: /./ }],
  'payments.waive': [
    {
      input: { studentId: ID, key: '', amount: 100, reason: 'x', approver: { username: 'meera', password: 'x' } },
      field: 'key',
      message: /./,
    },
  ],
  'payments.ledger': [{ input: { studentId: ID, student: ID }, field: 'student', message: 'student is not a field this channel takes' }],
  'diagnostics.screenFailed': [
    { input: { screen: '', message: 'x', stack: null }, field: 'screen', message: 'screen is required' },
    { input: { screen: 'Day close', message: 'x'.repeat(2001), stack: null }, field: 'message', message: 'message is too long' },
  ],
};

function studentInput(overrides: Record<string, unknown>) {
  return {
    admissionNo: 'A-1',
    fullName: 'Kiran Rao',
    classId: ID,
    guardianName: 'Asha Rao',
    phone: '9845012345',
    joinedOn: '2026-04-01',
    ...overrides,
  };
}

function structureInput(overrides: Record<string, unknown>) {
  return {
    yearId: ID,
    classId: ID,
    name: 'Class 1',
    plan: 'annual',
    installments: [{ label: 'Annual', dueOn: '2026-04-10' }],
    heads: [{ headId: ID, amount: 100 }],
    ...overrides,
  };
}

function concessionInput(overrides: Record<string, unknown>) {
  return { yearId: ID, name: 'Merit', kind: 'percent', value: 1000, target: 'category', categoryId: ID, reason: 'merit', ...overrides };
}

function setupInput(overrides: Record<string, unknown>) {
  return {
    schoolName: 'Another School',
    currency: 'INR',
    locale: 'en-IN',
    deskCode: 'D09',
    admin: { username: 'someone', fullName: 'Some One', password: 'long-enough-pass' },
    ...overrides,
  };
}

let desk: TestDesk;
beforeAll(async () => {
  desk = await openTestDesk();
  await setUpSchool(desk);
});
afterAll(() => desk.close());

/** Everything a channel could change, read back through the contract. */
async function snapshot(): Promise<string> {
  return JSON.stringify([
    await desk.ok('setup.status'),
    await desk.ok('users.list'),
    await desk.ok('settings.get'),
    await desk.ok('audit.list', { limit: 500 }),
  ]);
}

describe('malformed input', () => {
  it('covers every channel in the contract', () => {
    expect(Object.keys(invalid).sort()).toEqual([...channelNames].sort());
  });

  for (const name of channelNames) {
    it(`${name} refuses bad input with a specific message and writes nothing`, async () => {
      for (const bad of invalid[name]) {
        const before = await snapshot();
        const result = await desk.call(name, bad.input as never);
        expect(result.ok, `${name} accepted ${JSON.stringify(bad.input)}`).toBe(false);
        if (result.ok) return;
        expect(result.error.code).toBe('invalid_input');
        expect(result.error.field).toBe(bad.field);
        if (typeof bad.message === 'string') expect(result.error.message).toBe(bad.message);
        else expect(result.error.message).toMatch(bad.message);
        expect(await snapshot()).toBe(before);
      }
    });
  }

  it('answers an unknown channel clearly', async () => {
    expect(await desk.app.invoke('payments.steal', {}, 'window-1')).toEqual({
      ok: false,
      error: { code: 'unknown_channel', message: "unknown channel 'payments.steal'" },
    });
    expect(await desk.app.invoke('__proto__', {}, 'window-1')).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await desk.app.invoke('toString', {}, 'window-1')).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('declares access for every channel, and only setup, login and store channels are public', () => {
    const publicNames = channelNames.filter((n) => contract[n].access === 'public');
    expect(publicNames.sort()).toEqual([
      'auth.login',
      'auth.session',
      'setup.initialize',
      'setup.status',
      'store.createPassphrase',
      'store.status',
      'store.unlock',
    ]);
  });
});
