// Which printer this desk prints receipts and slips to (kept on this computer, not in the school's data).
import { Checkbox, NativeSelect, Paper, Stack, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, request } from '../../api/client';
import { FormFooter, type FormNote } from '../../components/FormFooter';

export function PrinterForm() {
  const [printers, setPrinters] = useState<{ name: string; description: string }[]>([]);
  const [chosen, setChosen] = useState('');
  const [printOnSave, setPrintOnSave] = useState(false);
  const [note, setNote] = useState<FormNote | null>(null);
  useEffect(() => {
    request(api().printing.printers()).then(
      (p) => {
        setPrinters(p.printers);
        setChosen(p.chosen ?? '');
        setPrintOnSave(p.printOnSave);
      },
      (e: Error) => setNote({ ok: false, text: e.message }),
    );
  }, []);
  return (
    <Paper withBorder p="md">
      <form
        aria-label="Desk printer"
        onSubmit={(e) => {
          e.preventDefault();
          request(api().printing.choose({ printerName: chosen || null, printOnSave })).then(
            () => setNote({ ok: true, text: 'Saved.' }),
            (err: Error) => setNote({ ok: false, text: err.message }),
          );
        }}
      >
        <Stack>
          <Title order={4}>Desk printer</Title>
          <NativeSelect
            label="Print receipts and slips to"
            value={chosen}
            onChange={(e) => setChosen(e.currentTarget.value)}
            data={[
              { value: '', label: 'The system default printer' },
              ...printers.map((p) => ({ value: p.name, label: p.description ? `${p.name} — ${p.description}` : p.name })),
            ]}
          />
          <Checkbox
            label="Print the receipt as soon as a payment is saved"
            description="On this desk only. Without it, the receipt prints with Print or Ctrl+P on the receipt preview."
            checked={printOnSave}
            onChange={(e) => setPrintOnSave(e.currentTarget.checked)}
          />
          <FormFooter note={note} submitting={false} label="Save printer" />
        </Stack>
      </form>
    </Paper>
  );
}
