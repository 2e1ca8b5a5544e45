import { useEffect, useState } from 'preact/hooks';

/** The current hash route (`#/consents` -> `consents`), updated on navigation. */
export function useHashRoute(fallback: string): string {
  const read = (): string => location.hash.replace(/^#\/?/, '') || fallback;
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = (): void => {
      setRoute(read());
    };
    addEventListener('hashchange', update);
    update();
    return () => {
      removeEventListener('hashchange', update);
    };
  }, [fallback]);
  return route;
}
