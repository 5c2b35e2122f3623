import '@mantine/core/styles.css';
import './fonts.css';
import './app.css';
import {
  Alert,
  createTheme,
  DEFAULT_THEME,
  defaultVariantColorsResolver,
  MantineProvider,
  Modal,
  parseThemeColor,
  rgba,
  type VariantColorsResolver,
} from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

/**
 * A light alert or badge in a chosen shade ("red.9") is a tint of that shade with the shade as its text: Mantine's own
 * puts its pale text colour on the full shade, which reads at about 2:1 (axe color-contrast).
 */
const variantColorResolver: VariantColorsResolver = (input) => {
  const resolved = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (input.variant !== 'light' || !parsed.isThemeColor || parsed.shade === undefined) return resolved;
  return { ...resolved, background: rgba(parsed.value, 0.1), hover: rgba(parsed.value, 0.15), color: parsed.value };
};

/** Devanagari and Tamil from the bundled fonts (fonts.css: each face covers only its script), the rest as before. */
const SCRIPTS = '"Noto Sans Devanagari", "Noto Sans Tamil"';

// Blue at shade 8 keeps white-on-primary text above WCAG AA contrast.
const theme = createTheme({
  variantColorResolver,
  primaryColor: 'blue',
  primaryShade: 8,
  defaultRadius: 'sm',
  fontFamily: `${SCRIPTS}, system-ui, "Noto Sans", sans-serif`,
  headings: { fontFamily: `${SCRIPTS}, ${DEFAULT_THEME.headings.fontFamily}` },
  components: {
    // Mantine's close button is an icon only: give it a name screen readers can say.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Alert: Alert.extend({ defaultProps: { closeButtonLabel: 'Dismiss' } }),
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <App />
    </MantineProvider>
  </StrictMode>,
);
