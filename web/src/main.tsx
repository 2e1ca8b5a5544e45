import { render } from 'preact';

render(<main>Consent Ledger</main>, document.getElementById('app') as HTMLElement);
