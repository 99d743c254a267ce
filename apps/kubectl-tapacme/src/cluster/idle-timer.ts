/** Fires after ms without a touch; touched on every chunk received. */
export function idleTimer(ms: number, onIdle: () => void): { touch(): void; stop(): void } {
  let timer = setTimeout(onIdle, ms);
  return {
    touch: () => {
      clearTimeout(timer);
      timer = setTimeout(onIdle, ms);
    },
    stop: () => clearTimeout(timer),
  };
}
