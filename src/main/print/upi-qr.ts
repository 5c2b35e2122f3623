// The UPI QR the counter's screen shows, as SVG: large enough to scan from the payer's phone across the desk.
import QRCode from 'qrcode';

export function upiQrSvg(link: string): Promise<string> {
  return QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
