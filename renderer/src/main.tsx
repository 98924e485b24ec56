import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import { connect } from './transport';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={connect()} />
  </StrictMode>,
);
