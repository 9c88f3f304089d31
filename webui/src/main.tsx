import { createRoot } from 'react-dom/client';
import { App } from './app';
import { ApiClient } from './api/api-client';
import { LiveConnection } from './live/live-connection';
import './styles.css';

// The composition root of the UI: one REST client and one live connection for the page's life.
const token = new URLSearchParams(window.location.search).get('token') ?? undefined;
const services = { api: new ApiClient('/api/v1', token), live: new LiveConnection(token) };
const root = document.getElementById('root');
if (root) createRoot(root).render(<App services={services} />);
