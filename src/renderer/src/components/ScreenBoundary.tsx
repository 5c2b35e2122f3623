// A screen that throws while drawing shows what happened in its own place; the header, the navigation and every
// other screen go on working, and main's log gets the details.
import { Alert, Button, Stack, Text } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { api } from '../api/client';

interface Props {
  /** The screen's name, as the navigation shows it. */
  screen: string;
  children: ReactNode;
}

export class ScreenBoundary extends Component<Props, { failure: string | null }> {
  override state = { failure: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    const message = error instanceof Error ? error.message : String(error);
    const stack = `${error instanceof Error ? (error.stack ?? '') : ''}\n${info.componentStack ?? ''}`.slice(0, 8000);
    void api().diagnostics.screenFailed({ screen: this.props.screen.slice(0, 60), message: message.slice(0, 2000), stack });
  }

  override render() {
    if (this.state.failure === null) return this.props.children;
    return (
      <Alert color="red.9" title={`The ${this.props.screen} screen stopped working`} role="alert">
        <Stack gap="xs">
          <Text size="sm">
            Nothing you saved is lost: every payment is on disk before it shows. What you were typing on this screen was not saved. The
            details went to the desk’s log ({this.state.failure}).
          </Text>
          <Button variant="default" w="fit-content" onClick={() => this.setState({ failure: null })}>
            Open the {this.props.screen} screen again
          </Button>
        </Stack>
      </Alert>
    );
  }
}
