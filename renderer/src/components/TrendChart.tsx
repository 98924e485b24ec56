import type { TrendDayDto } from '../../../src/api/contract';
import { trendBars, trendDayLabel, trendSummary } from '../../../src/api/report/pictures';
import { usePointedPart } from './pointed-part';

const WIDTH = 600;
const HEIGHT = 80;

/** The last days as stacked bars (failed, could not tell, passed), with the days in words beside. */
export function TrendChart({ days }: { days: TrendDayDto[] }) {
  const { active, track } = usePointedPart();
  const bars = trendBars(days);
  const summary = trendSummary(days);
  return (
    <figure className="picture trend">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="group" aria-label={summary}>
        {bars.map((bar, i) => (
          <g key={bar.date} className="day" {...track(i, bar.label)}>
            <title>{bar.label}</title>
            {/* The whole day's slot takes the pointer, so short bars are as easy to point at. */}
            <rect className="day-slot" x={bar.x * WIDTH} y={0} width={bar.width * WIDTH} height={HEIGHT} />
            {bar.scanned ? (
              bar.parts.map((part) => (
                <rect key={part.kind} className={`fill-${part.kind}`} x={bar.x * WIDTH} y={part.y * HEIGHT} width={bar.width * WIDTH} height={part.height * HEIGHT} />
              ))
            ) : (
              <rect className="fill-noscan" x={bar.x * WIDTH} y={HEIGHT - 2} width={bar.width * WIDTH} height={2} />
            )}
          </g>
        ))}
      </svg>
      <figcaption className="meta" aria-live="polite">
        {active === undefined ? summary : bars[active]?.label}
      </figcaption>
      <ul className="legend" aria-hidden="true">
        <li className="key-failed">failed</li>
        <li className="key-unknown">could not tell</li>
        <li className="key-passed">passed</li>
        <li className="key-noscan">no scan</li>
      </ul>
      <details>
        <summary>The days in words</summary>
        <ul>
          {days
            .filter((day) => day.scans > 0)
            .map((day) => (
              <li key={day.date}>{trendDayLabel(day)}</li>
            ))}
        </ul>
      </details>
    </figure>
  );
}
