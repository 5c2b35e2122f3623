// The UPI QR at the counter: large on the screen for the payer's phone, with the payee's name, the amount and the
// reference beside it. "Paid" saves the payment under that reference; the UTR is optional (the bank statement confirms).
import { Button, Group, Image, Modal, Stack, Text, Title } from '@mantine/core';
import type { OutputOf } from '../../../../shared/contract';
import type { MoneyFormat } from '../../components/money';

export type UpiRequest = OutputOf<'payments.upiRequest'>;

interface Props {
  shown: UpiRequest;
  money: MoneyFormat;
  onPaid: () => void;
  onClose: () => void;
}

export function UpiQrModal({ shown, money, onPaid, onClose }: Props) {
  const src = `data:image/svg+xml;base64,${btoa(shown.qrSvg)}`;
  return (
    <Modal opened onClose={onClose} title="Pay by UPI" size="lg">
      <Group align="flex-start" wrap="nowrap">
        <Image
          src={src}
          w={320}
          h={320}
          alt={`UPI QR code: pay ${money.format(shown.amount)} to ${shown.payeeName}, reference ${shown.reference}`}
        />
        <Stack gap="xs">
          <Text size="sm">Scan with any UPI app to pay</Text>
          <Title order={2} data-testid="upi-amount">
            {money.format(shown.amount)}
          </Title>
          <Text>to {shown.payeeName}</Text>
          <Text size="sm">
            Reference <strong data-testid="upi-reference">{shown.reference}</strong>
          </Text>
          <Text size="sm" c="dimmed">
            When the payer’s app says the payment went through, save it. The UTR is optional: the bank statement confirms it.
          </Text>
          <Group mt="md">
            <Button onClick={onPaid}>Paid: save payment</Button>
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
          </Group>
        </Stack>
      </Group>
    </Modal>
  );
}
