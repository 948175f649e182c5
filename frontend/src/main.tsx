import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App/App';
import { shareSessionBetweenTabs } from './store/tabSession';
import './styles/global.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
shareSessionBetweenTabs();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
